import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { mapPool } from "../../src/engine/pool.js";
import type { RunReport } from "../../src/engine/results.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { hostileValues } from "./hostile-cases.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const canary = `/tmp/bkplay-hostile-canary-${process.pid}`;
const CASES = hostileValues(canary);
/** What the `t` variable (line and replace) refuses: `$` would be a replacement pattern, a line break is not one line. */
const refusedAsText = (v: string): boolean => /[$\r\n]/.test(v);

interface Outcome {
  root: string;
  apply: CliResult;
  again: CliResult;
  /** For values `t` refuses: the run given them as `t`, and whether the host's tree stayed as it was. */
  refused?: { run: CliResult; untouched: boolean };
}

const SEEDS: Record<string, string> = {
  "settings.py": `# -*- coding: utf-8 -*-\nSINGLE = 'old'\nDOUBLE = "old"  # keep this comment\nUNICODE = u'old'\n`,
  "config.yaml": `# hostile values land here\nplain: old\nsingle: 'old'\ndouble: "old" # keep\nflow: {x: old}\n`,
  text: "line=old\nreplaced=old\n",
};

function seed(root: string): string {
  const dir = join(root, "hostile");
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(SEEDS)) writeFileSync(join(dir, name), content);
  return dir;
}

const report = (r: CliResult): RunReport => JSON.parse(r.stdout) as RunReport;

describe("hostile values land literally or are refused (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(CASES.length, "sshd");
  const outcomes: Outcome[] = [];

  before(async function () {
    this.timeout(120_000);
    const inv = writeInventory(f.fleet(), join(f.dir(), "hostile-hosts.yaml"));
    const results = await mapPool(CASES, 4, async (c, ): Promise<Outcome> => {
      const i = CASES.indexOf(c);
      const host = f.fleet().hosts[i];
      if (!host) throw new Error(`no host for case ${i}`);
      seed(host.root);
      // Half the values come by -e, half by --vars-file; both must deliver the same string.
      const given = (vars: Record<string, string>): string[] => {
        if (i % 2 === 0) return Object.entries(vars).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
        const file = join(f.dir(), `vars-${i}-${Object.keys(vars).join("")}.yaml`);
        writeFileSync(file, stringify(vars));
        return ["--vars-file", file];
      };
      const run = (vars: Record<string, string>): Promise<CliResult> => bkplay(["run", join(fixtures, "values.yaml"), "-i", inv, "--limit", host.name, "--json", ...given(vars)]);
      const vars = refusedAsText(c.value) ? { v: c.value } : { v: c.value, t: c.value };
      const apply = await run(vars);
      const again = await run(vars);
      if (!refusedAsText(c.value)) return { root: host.root, apply, again };
      const before = snapshotTree(host.root);
      const refusedRun = await run({ v: c.value, t: c.value });
      return { root: host.root, apply, again, refused: { run: refusedRun, untouched: JSON.stringify(snapshotTree(host.root)) === JSON.stringify(before) } };
    });
    outcomes.push(...results);
  });

  CASES.forEach((c, i) => {
    it(`${c.name}: lands literally in Python, YAML, argv${refusedAsText(c.value) ? "; refused for line/replace" : ", line and replace"}; a re-run changes nothing`, () => {
      const o = outcomes[i];
      if (!o) throw new Error("case did not run");
      expect(o.apply.code, o.apply.stderr + o.apply.stdout.slice(0, 3000)).to.equal(0);
      const dir = join(o.root, "hostile");
      const read = JSON.parse(execFileSync("python3", [join(fixtures, "read-values.py"), join(dir, "settings.py"), join(dir, "config.yaml")], { encoding: "utf8" })) as { py: string[]; yaml: string[] };
      expect(read.py, "Python reads").to.deep.equal([c.value, c.value, c.value, c.value]);
      expect(read.yaml, "PyYAML reads").to.deep.equal([c.value, c.value, c.value, c.value]);
      const doc = parse(readFileSync(join(dir, "config.yaml"), "utf8")) as { plain: string; single: string; double: string; flow: { x: string } };
      expect([doc.plain, doc.single, doc.double, doc.flow.x], "yaml (1.2) reads").to.deep.equal([c.value, c.value, c.value, c.value]);
      expect(readFileSync(join(dir, "settings.py"), "utf8")).to.include("# keep this comment");
      expect(readFileSync(join(dir, "argv")).equals(Buffer.from(c.value)), "printf %s {{quote v}} wrote other bytes").to.equal(true);
      const text = readFileSync(join(dir, "text"), "utf8");
      expect(text).to.equal(refusedAsText(c.value) ? "line=plain\nreplaced=plain\n" : `line=${c.value}\nreplaced=${c.value}\n`);
      expect(o.again.code, o.again.stderr).to.equal(0);
      const steps = report(o.again).hosts.flatMap((h) => h.steps);
      expect(steps.filter((s) => s.status !== "ok").map((s) => `${s.name}: ${s.status}`), "second run").to.deep.equal([]);
      if (o.refused) {
        expect(o.refused.run.code, o.refused.run.stderr).to.equal(2);
        expect(o.refused.run.stderr).to.match(/\bt\b.*must match pattern/);
        expect(o.refused.untouched, "a refused run changed the host").to.equal(true);
      }
    });
  });

  it("no value ran as code: the canary was never created", () => {
    expect(existsSync(canary)).to.equal(false);
  });
});
