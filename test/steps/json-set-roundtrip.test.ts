import { expect } from "chai";
import { jsonSet, type JsonSetParams } from "../../src/steps/json-set.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

const hostile: Record<string, unknown> = {
  quotes: `it's "quoted" \\" \\\\ \\u0041 </script>`,
  controls: "\0\x01\x07\b\t\n\v\f\r\x1b\x7f\x85\u2028\u2029\ufeff",
  nonAscii: "蓝鲸 PaaS 域名 — ünïcödé 🐳 \ud83d",
  pointerish: "/a~1b/~0",
  huge: `x"\\ \n{}[],:`.repeat(10_000),
  empty: "",
  integer: 48533,
  float: -2.5e-7,
  big: 1e21,
  bool: false,
  nothing: null,
  list: ["a", 1, null, { b: "c: d" }, []],
  map: { "k\"": { nested: "v\n" }, "": {} },
};

const layouts: Record<string, string> = {
  nodeman: '{\n    "log": "/var/log/gse",\n    "v": "bk-zookeeper:2181",\n    "port": 48533\n}\n',
  twoSpaces: '{\n  "s": {\n    "v": [1, 2],\n    "other": 1\n  }\n}',
  tabs: '{\n\t"v": {"deep": true},\n\t"w": 0\n}\n',
  compact: '{"a":[1,{"b":null}],"v":0}',
  crlf: '{\r\n  "v": 1,\r\n  "w": "x"\r\n}\r\n',
  bom: '\uFEFF{ "v" : 1 }',
  escapes: '{"\\u0076": 3, "w": "\\u00e9\\/", "n": 1.0e0}',
  missing: '{\n    "w": {}\n}\n',
};

const pointers = ["/v", "/s/v", "/w/added", "/new/deep/key"];

/** The text of each layout's existing value (at /v, or /s/v), as written: an edit may change those bytes only. */
const OLD: Record<string, string> = {
  nodeman: '"bk-zookeeper:2181"',
  twoSpaces: "[1, 2]",
  tabs: '{"deep": true}',
  compact: "0",
  crlf: "1",
  bom: "1",
  escapes: "3",
};

function plan(before: string, set: Record<string, unknown>): string | null {
  const { facts } = memoryFacts({ files: { "/c.json": before } });
  const params: JsonSetParams = { file: "/c.json", set };
  const change = jsonSet.plan(params, facts, ctx).changes[0];
  if (change === undefined) return null;
  if (change.kind !== "write-file") throw new Error("expected a write-file change");
  return change.content;
}

/** What the document should read as: JSON.parse of the original with the value set (objects made on the way). */
function expectedOf(before: string, pointer: string, value: unknown): unknown {
  const doc = JSON.parse(before.replace(/^\uFEFF/, "")) as Record<string, unknown>;
  const keys = pointer.slice(1).split("/");
  let node: Record<string, unknown> = doc;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    node = typeof next === "object" && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : (node[k] = {});
  }
  node[keys.at(-1) ?? ""] = value;
  return doc;
}

/** The value at a pointer of the original document (undefined: not there). */
function valueAt(before: string, pointer: string): unknown {
  let node: unknown = JSON.parse(before.replace(/^\uFEFF/, ""));
  for (const k of pointer.slice(1).split("/")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

describe("json_set output reads back exactly, and changes nothing else", () => {
  for (const [layout, before] of Object.entries(layouts)) {
    for (const pointer of pointers) {
      // Only pointers whose parents are objects (or missing) in this layout.
      const parents = pointer.slice(1).split("/").slice(0, -1);
      let node: unknown = JSON.parse(before.replace(/^\uFEFF/, ""));
      let reachable = true;
      for (const k of parents) {
        const next: unknown = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
        if (next !== undefined && (typeof next !== "object" || next === null || Array.isArray(next))) reachable = false;
        node = next;
      }
      if (!reachable) continue;
      for (const [kind, value] of Object.entries(hostile)) {
        it(`${layout} ${pointer} ← ${kind}`, () => {
          const after = plan(before, { [pointer]: value });
          expect(after, "a change").to.be.a("string");
          const text = after ?? "";
          expect(JSON.parse(text.replace(/^\uFEFF/, ""))).to.deep.equal(expectedOf(before, pointer, value));
          expect(text.startsWith("\uFEFF")).to.equal(before.startsWith("\uFEFF"));
          expect(text.includes("\r\n") || !before.includes("\r\n"), "CRLF kept").to.equal(true);
          expect(text.replaceAll("\r\n", "").includes("\n") === before.replaceAll("\r\n", "").includes("\n") || before.includes("\r\n"), "one-line files stay one line").to.equal(true);
          // The bytes that differ: within the old value when there was one, else only whitespace was replaced (an insert).
          let head = 0;
          while (head < before.length && before[head] === text[head]) head++;
          let tail = 0;
          while (tail < before.length - head && before[before.length - 1 - tail] === text[text.length - 1 - tail]) tail++;
          const old = OLD[layout];
          const exists = valueAt(before, pointer) !== undefined;
          if (exists && old !== undefined) {
            const at = before.indexOf(old);
            expect(before.lastIndexOf(old), "the old value's text is unique in the layout").to.equal(at);
            expect(head, "first changed byte").to.be.at.least(at);
            expect(before.length - tail, "last changed byte").to.be.at.most(at + old.length);
          } else {
            expect(before.slice(head, before.length - tail).trim(), "only whitespace replaced").to.equal("");
          }
          expect(plan(text, { [pointer]: value }), "a second plan changes nothing").to.equal(null);
        });
      }
    }
  }

  it("an existing value is replaced in place: the bytes before and after it are the original's", () => {
    const before = layouts.nodeman ?? "";
    const after = plan(before, { "/v": "10.0.0.5:32181" }) ?? "";
    const at = before.indexOf('"bk-zookeeper:2181"');
    expect(after.slice(0, at)).to.equal(before.slice(0, at));
    expect(after.slice(at + '"10.0.0.5:32181"'.length)).to.equal(before.slice(at + '"bk-zookeeper:2181"'.length));
  });
});
