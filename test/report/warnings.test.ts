import { expect } from "chai";
import type { HostResult, RunReport, StepResult } from "../../src/engine/results.js";
import { printRun } from "../../src/report/print-run.js";
import { reviewMarkdown } from "../../src/report/review-md.js";
import { warning } from "../../src/steps/warning.js";

const step = (name: string, messages: string[], handler = false): StepResult => ({ name, type: "replace", handler, notify: [], status: "ok", changes: [], diffs: [], messages, commands: [] });
const host = (name: string, steps: StepResult[]): HostResult => ({
  host: name, address: "10.0.0.1", status: "ok", steps, backups: [], files: [], notes: [], durations: { connectMs: 0, probeMs: 0, applyMs: 0 },
});

const missing = warning("no match of /index-url/gm in /data/build (missing_ok)");
const report: RunReport = {
  runId: "r1", playbook: "offline-pip-mirror", playbookSha256: "x", check: true, startedAt: "2024-01-01T00:00:00Z", durationMs: 1000, refused: [], batches: [],
  hosts: [
    host("appo-1", [step("pip mirror", [missing, "unless `x` exited 0"]), step("settings", [warning("A is assigned 2 times in /s.py; the last one (line 9) is the one Python uses and the one edited")])]),
    host("appo-2", [step("pip mirror", [missing]), step("restart", [warning("left: internal x")], true)]),
    host("appt-1", [step("pip mirror", ["unless `x` exited 0"])]),
  ],
};

function printed(r: RunReport): string {
  let text = "";
  const out = { isTTY: false, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  printRun(r, { diff: true, redact: (s) => s, out });
  return text;
}

describe("step warnings in the reports", () => {
  it("the recap lists each warning once, with its hosts and step; informational messages stay in --json", () => {
    const text = printed(report);
    const tail = text.slice(text.indexOf("WARNINGS"));
    expect(text.indexOf("WARNINGS")).to.be.greaterThan(text.indexOf("CHECK (nothing was written)"));
    expect(tail.split("\n").filter((l) => l !== "")).to.deep.equal([
      "WARNINGS",
      "  ! [appo-1, appo-2] pip mirror: no match of /index-url/gm in /data/build (missing_ok)",
      "  ! [appo-1] settings: A is assigned 2 times in /s.py; the last one (line 9) is the one Python uses and the one edited",
      "  ! [appo-2] handler restart: left: internal x",
    ]);
    expect(text).to.not.include("exited 0");
  });

  it("no warnings, no section", () => {
    expect(printed({ ...report, hosts: [host("appt-1", [step("pip mirror", ["unless `x` exited 0"])])] })).to.not.include("WARNINGS");
  });

  it("the review report has a Warnings section before the diffs", () => {
    const md = reviewMarkdown(report, { planFile: "p.json", inventory: "i.yaml", vars: {} }, (s) => s);
    expect(md).to.include("## Warnings\n\n- **pip mirror** on appo-1, appo-2: no match of /index-url/gm in /data/build (missing_ok)\n- **settings** on appo-1: A is assigned 2 times");
    expect(md).to.include("- **handler restart** on appo-2: left: internal x");
    expect(md).to.not.include("exited 0");
  });
});
