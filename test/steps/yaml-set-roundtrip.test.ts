import { expect } from "chai";
import { parse } from "yaml";
import { yamlSet } from "../../src/steps/yaml-set.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

const hostile: Record<string, unknown> = {
  quotes: `it's "quoted" '' "" \\' \\"`,
  yamlSyntax: "a: b # c\n- d\n--- \n...\n{e, f} [g] &h *i !j |k >l %m @n `o",
  lookalikes: "yes",
  nullish: "~",
  hex: "0x1F",
  empty: "",
  blanks: "  leading and trailing  ",
  newlines: "line1\nline2\r\n\nline4\n",
  trailingNewlines: "end\n\n\n",
  controls: "\0\x01\x07\b\t\v\f\x1b\x7f\x85\u2028\u2029\ufeff",
  nonAscii: "蓝鲸 PaaS 域名 — ünïcödé 🐳",
  huge: "x'\" #: \n- ".repeat(10_000),
  number: 4246,
  float: -2.5e-7,
  bool: false,
  nothing: null,
  list: ["a", 1, null, { b: "c: d" }],
  map: { "k'": { nested: "v\n" } },
};

const layouts: Record<string, string> = {
  plain: "# top\ns:\n  v: old # keep\n  other: 1\n",
  single: "s:\n  v: 'old'   # keep\n  other: 1\n",
  double: 's:\n    v: "old"\n    other: 1\n',
  block: "s:\n  v: |\n    old\n    text\n  other: 1\n",
  flow: "s: {v: old, other: 1}\n",
  number: "s:\n  v: 300\n  other: 1\n",
  missing: "s:\n  other: 1\n",
};

function planned(before: string, set: Record<string, unknown>): string {
  const { facts } = memoryFacts({ files: { "/c.yaml": before } });
  const change = yamlSet.plan({ file: "/c.yaml", set }, facts, ctx).changes[0];
  if (change?.kind !== "write-file") throw new Error("expected a write-file change");
  return change.content;
}

// Alone, a scalar edit rewrites its source token; with an added key the whole document is re-serialised.
const companions: Record<string, Record<string, unknown>> = { alone: {}, restructured: { "added.k": 1 } };

describe("yaml_set output reads back exactly", () => {
  for (const [layout, before] of Object.entries(layouts)) {
    for (const [route, extra] of Object.entries(companions)) {
      for (const [label, value] of Object.entries(hostile)) {
        it(`${label} into ${layout} (${route})`, () => {
          const set = { "s.v": value, ...extra };
          const content = planned(before, set);
          const added = route === "alone" ? {} : { added: { k: 1 } };
          expect(parse(content), content.slice(0, 300)).to.deep.equal({ s: { v: value, other: 1 }, ...added });
          const { facts } = memoryFacts({ files: { "/c.yaml": content } });
          expect(yamlSet.plan({ file: "/c.yaml", set }, facts, ctx).changes, "second run").to.deep.equal([]);
        });
      }
    }
  }
});
