import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bkplay } from "../support/cli.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures");
const bk5 = join(fixtures, "inventory/bk5.yaml");
const renamed = join(fixtures, "screen/renamed-paas.yaml");
const typedVars = join(fixtures, "playbooks/typed-vars.yaml");

describe("usage errors: exit 2, nothing contacted", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown option", ["run", "change-domain", "-i", bk5, "--bogus"], /unknown option '--bogus'/],
    ["an unknown option of list", ["list", "--nope"], /unknown option '--nope'/],
    ["a missing -i", ["run", "change-domain"], /required option '-i, --inventory <file>' not specified/],
    ["a missing -i on inventory", ["inventory"], /required option '-i, --inventory <file>' not specified/],
    ["a bad choice", ["run", "change-domain", "-i", bk5, "--host-key-checking", "maybe"], /Allowed choices are strict, accept-new, off/],
    ["--forks abc", ["run", "change-domain", "-i", bk5, "--forks", "abc"], /--forks must be a positive integer, got 'abc'/],
    ["a bad --max-fail-percentage on apply", ["apply", "plan.json", "--max-fail-percentage", "x"], /--max-fail-percentage must be 0\.\.100/],
    ["an unknown command", ["rn"], /unknown command 'rn'/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what} exits 2 and says so`, async () => {
      const r = await bkplay(args);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
    });
  }

  it("a misspelled playbook name gets a did-you-mean", async () => {
    const r = await bkplay(["validate", "chnage-domain"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("no shipped playbook 'chnage-domain' — did you mean 'change-domain'?");
  });

  it("a --limit that matches nothing suggests the group meant and lists the groups", async () => {
    const r = await bkplay(["inventory", "-i", bk5, "--limit", "pass"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("--limit 'pass' matches no host — did you mean 'paas'? (groups: nginx, paas, appo, appt, mysql; hosts: bk-1, bk-2, bk-3, bk-4, bk-5)");
  });
});

describe("Ansible's habits", () => {
  it("-l is --limit", async () => {
    const r = await bkplay(["inventory", "-i", bk5, "-l", "paas", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect((JSON.parse(r.stdout) as { hosts: { name: string }[] }).hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2"]);
  });

  it("--extra-vars, -e @file.yaml and -e '{json}' set variables, typed, later ones winning", async () => {
    const file = join(fixtures, "screen/extra-vars.yaml");
    const ok = await bkplay(["validate", typedVars, "-i", bk5, "--extra-vars", "ratio=0.25", "-e", `@${file}`, "-e", '{"enabled": false, "extra": {"k": 1}}']);
    expect(ok.code, ok.stderr).to.equal(0);
    const fromFile = await bkplay(["validate", typedVars, "-i", bk5, "-e", '{"retries": 0}']);
    expect(fromFile.code).to.equal(2);
    expect(fromFile.stderr).to.include("-e JSON retries: 0 must be >= 1");
    const wins = await bkplay(["validate", typedVars, "-i", bk5, "-e", `@${file}`, "-e", "retries=0"]);
    expect(wins.stderr).to.include("-e retries: 0 must be >= 1");
    const badJson = await bkplay(["validate", typedVars, "-i", bk5, "-e", "{retries: 1"]);
    expect(badJson.code).to.equal(2);
    expect(badJson.stderr).to.match(/^-e: not valid JSON/);
  });
});

describe("a play that matches no host of the inventory", () => {
  it("is an error before any host is contacted: exit 2, naming the play, its pattern and the groups, with a did-you-mean", async () => {
    const started = Date.now();
    const r = await bkplay(["run", "change-domain", "-i", renamed, "-e", "new_domain=paas.example.com"]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/change-domain\.yaml:\d+:\d+: play 2 'PaaS, login and ESB settings' \(hosts: paas\) matches no host of .*renamed-paas\.yaml — did you mean 'open_paas'\? \(groups: nginx, open_paas, appo, appt, mysql\)/);
    expect(r.stderr).to.include("optional: true");
    expect(r.stdout).to.equal("");
    expect(Date.now() - started).to.be.below(5000);
  });

  it("is no error when the play says optional: true (validate -i renders the rest)", async () => {
    const r = await bkplay(["validate", join(fixtures, "screen/optional-play.yaml"), "-i", bk5]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok optional-play /m);
  });

  it("bkplay list shows the groups each playbook needs", async () => {
    const r = await bkplay(["list"]);
    expect(r.stdout).to.match(/^change-domain — .*\n\s+groups: paas, nginx, appo, appt\n/m);
    expect(r.stdout).to.match(/^fix-mysql-perms — .*\n\s+groups: mysql\n/m);
    const listed = JSON.parse((await bkplay(["list", "--json"])).stdout) as { name: string; groups: { name: string; optional: boolean }[] }[];
    expect(listed.find((p) => p.name === "raise-deploy-timeout")?.groups.map((g) => g.name)).to.have.members(["paas", "appo", "appt"]);
  });
});

describe("plan takes no flag it would drop", () => {
  let dir = "";
  before(() => (dir = mkdtempSync(join(tmpdir(), "bkplay-plan-flags-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--serial, --window, --tz and --confirm-each-batch on plan: exit 2, pass them to apply, no plan written", async () => {
    const out = join(dir, "p.json");
    const r = await bkplay(["plan", "change-domain", "-i", bk5, "-e", "new_domain=paas.example.com", "-o", out, "--serial", "1", "--window", "02:00-04:00", "--tz", "Asia/Shanghai", "--confirm-each-batch"]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include("--serial, --window, --tz, --confirm-each-batch decide how a plan is applied").and.include("pass them to `bkplay apply <plan>`");
    expect(existsSync(out)).to.equal(false);
  });
});
