import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { bkplay, reportOf, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { hostileValues } from "./hostile-cases.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const playbook = join(fixtures, "values.yaml");
const canary = `/tmp/bkplay-hostile-canary-${process.pid}`;
const CASES = hostileValues(canary);
/** What `t` (line and replace) refuses: a line holds no line break. */
const refusedAsText = (v: string): boolean => /[\r\n\u2028\u2029]/.test(v);
/** Sent through -e and through --vars-file on the two hosts after the cases'. */
const GIVEN = { v: `it's "q" \`touch ${canary}\` $(touch ${canary}) 中文 🚀 \\ {{v}}\nline 2 -e x=y`, t: `a=b 'q' "d" \`touch ${canary}\` 中文 {{t}} \\` };

const SEEDS: Record<string, string> = {
  "settings.py": `# -*- coding: utf-8 -*-\nSINGLE = 'old'\nDOUBLE = "old"  # keep this comment\nUNICODE = u'old'\n`,
  "config.yaml": `# hostile values land here\nplain: old\nsingle: 'old'\ndouble: "old" # keep\nflow: {x: old}\n`,
  text: "line=old\nreplaced=old\n",
};

function seed(root: string): void {
  mkdirSync(join(root, "hostile"), { recursive: true });
  for (const [name, content] of Object.entries(SEEDS)) writeFileSync(join(root, "hostile", name), content);
}

/** What Python, PyYAML and the yaml package read back, and the bytes the command got as its argument. */
function landed(root: string): { py: string[]; yaml: string[]; yaml12: string[]; argv: Buffer; text: string } {
  const dir = join(root, "hostile");
  const read = JSON.parse(execFileSync("python3", [join(fixtures, "read-values.py"), join(dir, "settings.py"), join(dir, "config.yaml")], { encoding: "utf8" })) as { py: string[]; yaml: string[] };
  const doc = parse(readFileSync(join(dir, "config.yaml"), "utf8")) as { plain: string; single: string; double: string; flow: { x: string } };
  return { ...read, yaml12: [doc.plain, doc.single, doc.double, doc.flow.x], argv: readFileSync(join(dir, "argv")), text: readFileSync(join(dir, "text"), "utf8") };
}

const statusOf = (r: CliResult, host: string): string[] => {
  const h = (reportOf(r)).hosts.find((x) => x.host === host);
  return h ? [h.status, ...h.steps.map((s) => `${s.name}: ${s.status}${s.error ? ` ${s.error}` : ""}`)] : [];
};

describe("hostile values land literally or are refused (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(CASES.length + 2, "sshd");
  const host = (i: number): { name: string; root: string } => f.fleet().hosts[i] ?? { name: "", root: "" };
  const inv = (t: (value: string) => Record<string, string>): string =>
    writeInventory(f.fleet(), join(f.dir(), "hostile-hosts.yaml"), { vars: Object.fromEntries(CASES.map((c, i) => [host(i).name, { v: c.value, ...t(c.value) }])) });
  /** The hosts carrying one case each (the last two are for -e and --vars-file). */
  const cases = `!bk-${CASES.length + 1},!bk-${CASES.length + 2}`;
  let apply: CliResult;
  let again: CliResult;

  before(async () => {
    f.fleet().hosts.forEach((h) => { seed(h.root); });
    const accepted = inv((v) => (refusedAsText(v) ? {} : { t: v }));
    apply = await bkplay(["run", playbook, "-i", accepted, "--limit", cases, "--json"]);
    again = await bkplay(["run", playbook, "-i", accepted, "--limit", cases, "--json"]);
  });

  CASES.forEach((c, i) => {
    it(`${c.name}: lands literally in Python, YAML, argv${refusedAsText(c.value) ? "" : ", line and replace"}; a re-run changes nothing`, () => {
      expect(apply.code, apply.stderr + apply.stdout.slice(0, 2000)).to.equal(0);
      expect(statusOf(apply, host(i).name)[0]).to.equal("changed");
      const got = landed(host(i).root);
      const all = [c.value, c.value, c.value, c.value];
      expect(got.py, "Python reads").to.deep.equal(all);
      expect(got.yaml, "PyYAML (YAML 1.1) reads").to.deep.equal(all);
      expect(got.yaml12, "yaml (YAML 1.2) reads").to.deep.equal(all);
      expect(readFileSync(join(host(i).root, "hostile/settings.py"), "utf8")).to.include('DOUBLE = "').and.include("# keep this comment");
      expect(got.argv.equals(Buffer.from(c.value)), "printf %s {{quote v}} wrote other bytes").to.equal(true);
      const t = refusedAsText(c.value) ? "plain" : c.value;
      expect(got.text).to.equal(`line=${t}\nreplaced=${t}\n`);
      expect(again.code, again.stderr).to.equal(0);
      expect(statusOf(again, host(i).name), "second run").to.deep.equal(["ok", "python: ok", "yaml: ok", "argument: ok", "line: ok", "replace: ok"]);
    });
  });

  it("values that are not literal text for line/replace are refused with exit 2, every one named, and no host changes", async () => {
    const before = snapshotTree(join(f.dir(), "hosts"));
    const r = await bkplay(["run", playbook, "-i", inv((v) => ({ t: refusedAsText(v) ? v : "plain" })), "--limit", cases]);
    expect(r.code, r.stderr).to.equal(2);
    for (const [i, c] of CASES.entries()) if (refusedAsText(c.value)) expect(r.stderr, c.name).to.include(`inventory var 't' of ${host(i).name}: `);
    expect(r.stderr.match(/must match pattern/g)).to.have.length(CASES.filter((c) => refusedAsText(c.value)).length);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });

  it("-e and --vars-file deliver a value byte for byte", async () => {
    const [byE, byFile] = [host(CASES.length), host(CASES.length + 1)];
    const varsFile = join(f.dir(), "hostile-vars.yaml");
    writeFileSync(varsFile, stringify(GIVEN));
    const inventory = writeInventory(f.fleet(), join(f.dir(), "given-hosts.yaml"));
    const e = await bkplay(["run", playbook, "-i", inventory, "--limit", byE.name, "-e", `v=${GIVEN.v}`, "-e", `t=${GIVEN.t}`]);
    const file = await bkplay(["run", playbook, "-i", inventory, "--limit", byFile.name, "--vars-file", varsFile]);
    for (const [r, h] of [[e, byE], [file, byFile]] as const) {
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const got = landed(h.root);
      expect(got.py).to.deep.equal([GIVEN.v, GIVEN.v, GIVEN.v, GIVEN.v]);
      expect(got.argv.toString("utf8")).to.equal(GIVEN.v);
      expect(got.text).to.equal(`line=${GIVEN.t}\nreplaced=${GIVEN.t}\n`);
    }
  });

  it("a value in a replacement lands literally: its $&, $1 and $$ are text, not references to the match", async () => {
    const h = host(0);
    writeFileSync(join(h.root, "hostile/text"), "replaced=old\n");
    const r = await bkplay(["run", join(fixtures, "replacement.yaml"), "-i", writeInventory(f.fleet(), join(f.dir(), "r-hosts.yaml")), "--limit", h.name, "-e", "r=[$&] $1=$$1"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(join(h.root, "hostile/text"), "utf8")).to.equal("[$&] $1=$$1\n");
  });

  it("no value ran as code: the canary was never created", () => {
    expect(existsSync(canary)).to.equal(false);
  });
});
