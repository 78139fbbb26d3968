import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pyAssign } from "../../src/steps/py-assign.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

const hostile: Record<string, unknown> = {
  quotes: `it's "quoted" ''' """ \\' \\"`,
  backslashes: "C:\\new\\table\\x41\\N{DASH}\\",
  newlines: "line1\nline2\r\nline3\rend\n",
  controls: "\0\x01\x07\b\t\v\f\x1b\x7f\x85\u2028\u2029\ufeff",
  nonAscii: "蓝鲸 PaaS 域名 — ünïcödé 🐳",
  loneSurrogate: "a\ud800b",
  huge: "x'\"\\\n".repeat(20_000),
  numbers: [0, -1, 9007199254740991, 1.5, -2.25e-7, 1e21],
  nested: { "key'\"": ["a", { b: null, c: true, d: false }], "": "" },
};

/** The value of NAME after Python executes `content`, as JSON. */
function evaluate(content: string, name: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), "bkplay-py-"));
  try {
    const file = join(dir, "settings.py");
    writeFileSync(file, content);
    const script = "import json, runpy, sys; print(json.dumps(runpy.run_path(sys.argv[1])[sys.argv[2]]))";
    return JSON.parse(execFileSync("python3", ["-c", script, file, name], { encoding: "utf8", maxBuffer: 1 << 24 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function plannedContent(before: string, name: string, value: unknown): string {
  const { facts } = memoryFacts({ files: { "/s.py": before } });
  const change = pyAssign.plan({ file: "/s.py", set: { [name]: value } }, facts, ctx).changes[0];
  if (change?.kind !== "write-file") throw new Error("expected a write-file change");
  return change.content;
}

describe("py_assign output evaluates in real python3", () => {
  for (const [style, before] of Object.entries({ single: "# c\nV = 'old'\n", double: 'V = "old"  # c\n', appended: "OTHER = 1" })) {
    for (const [label, value] of Object.entries(hostile)) {
      it(`${label} (${style})`, () => {
        const content = plannedContent(before, "V", value);
        expect(evaluate(content, "V")).to.deep.equal(value);
        const { facts } = memoryFacts({ files: { "/s.py": content } });
        expect(pyAssign.plan({ file: "/s.py", set: { V: value } }, facts, ctx).changes, "second run").to.deep.equal([]);
      });
    }
  }
});
