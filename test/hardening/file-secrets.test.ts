import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const playbook = join(fixtures, "secret-key.yaml");
/** Secrets of the edited file (not variables): a key at the start of a line, a YAML-ish token, a password. */
const SECRETS = ["Kq7secretKeyValue", "Tk9agentTokenValue", "Pw5passValue"];
const SETTINGS = `SECRET_KEY = 'Kq7secretKeyValue'\nDEBUG = False\ntoken: Tk9agentTokenValue\nAPI_PASSWORD = "Pw5passValue"\n`;

describe("secrets of edited files in --json, the audit log and plan files (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(1, "sshd");
  const root = (): string => f.fleet().hosts[0]?.root ?? "";
  const settings = (): string => join(root(), "app", "settings.py");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "secret-key-hosts.yaml"));
  const logDir = (): string => join(f.dir(), "log");
  const args = (...more: string[]): string[] => [playbook, "-i", inv(), "-e", `file=${settings()}`, "--log-dir", logDir(), ...more];
  const expectNoSecret = (what: string, text: string): void => {
    for (const s of SECRETS) expect(text, `${what} shows ${s}`).not.to.include(s);
  };

  beforeEach(() => {
    mkdirSync(join(root(), "app"), { recursive: true });
    writeFileSync(settings(), SETTINGS);
    rmSync(logDir(), { recursive: true, force: true });
  });

  it("--json masks a SECRET_KEY at the start of a line of the diff, and so does the audit log (item 6)", async () => {
    const r = await bkplay(["run", ...args("--json")]);
    expect(r.code, r.stderr).to.equal(0);
    expectNoSecret("--json", r.stdout + r.stderr);
    const diff = reportOf(r).hosts[0]?.steps[0]?.diffs[0];
    expect(diff?.before).to.include("SECRET_KEY = '••••'").and.include("token: ••••").and.include('API_PASSWORD = "••••"');
    expect(diff?.after).to.include("DEBUG = True");
    for (const file of readdirSync(logDir())) expectNoSecret(`audit log ${file}`, readFileSync(join(logDir(), file), "utf8"));
    expect(readFileSync(settings(), "utf8")).to.equal(SETTINGS.replace("DEBUG = False", "DEBUG = True"));
  });

  it("a plan file holds no secret of the edited file: its diff is masked, the bytes to write a sha256; apply writes them (item 7)", async () => {
    const planFile = join(f.dir(), "secret-key.plan.json");
    const review = join(f.dir(), "secret-key.review.md");
    const plan = await bkplay(["plan", ...args("-o", planFile, "--report", review)]);
    expect(plan.code, plan.stderr).to.equal(0);
    const text = readFileSync(planFile, "utf8");
    expectNoSecret("the plan file", text);
    expectNoSecret("the review", readFileSync(review, "utf8"));
    expect(text).to.include("SECRET_KEY = '••••'").and.include("+DEBUG = True").and.match(/"contentSha256": "[0-9a-f]{64}"/);
    expect(text).not.to.include('"content"').and.not.include('"before"');
    const apply = await bkplay(["apply", planFile, "--log-dir", logDir(), "--json"]);
    expect(apply.code, apply.stderr + apply.stdout.slice(0, 2000)).to.equal(0);
    expectNoSecret("apply", apply.stdout + apply.stderr);
    expect(readFileSync(settings(), "utf8")).to.equal(SETTINGS.replace("DEBUG = False", "DEBUG = True"));
  });

  it("apply writes only the bytes whose hash was reviewed: another hash is refused as drift (exit 3), the file untouched", async () => {
    const planFile = join(f.dir(), "tampered.plan.json");
    expect((await bkplay(["plan", ...args("-o", planFile)])).code).to.equal(0);
    writeFileSync(planFile, readFileSync(planFile, "utf8").replace(/"contentSha256": "[0-9a-f]{64}"/g, `"contentSha256": "${"0".repeat(64)}"`));
    const apply = await bkplay(["apply", planFile, "--log-dir", logDir(), "--json"]);
    expect(apply.code, apply.stderr).to.equal(3);
    expect(reportOf(apply).hosts[0]?.error).to.match(/the content to write to .*settings\.py is not the reviewed one/);
    expect(readFileSync(settings(), "utf8")).to.equal(SETTINGS);
  });

  it("a target deleted between plan and apply is drift (exit 3) naming both states, not a failed step (item 11)", async () => {
    const planFile = join(f.dir(), "deleted.plan.json");
    expect((await bkplay(["plan", ...args("-o", planFile)])).code).to.equal(0);
    rmSync(settings());
    const apply = await bkplay(["apply", planFile, "--log-dir", logDir(), "--json"]);
    expect(apply.code, apply.stderr + apply.stdout.slice(0, 2000)).to.equal(3);
    const host = reportOf(apply).hosts[0];
    expect(host?.status).to.equal("refused");
    expect(host?.error).to.match(/settings\.py changed since the plan: planned against sha256 [0-9a-f]{64}, now absent \(deleted\)/);
  });
});
