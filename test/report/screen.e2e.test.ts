import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AuditEntry } from "../../src/audit/audit-log.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures");
const handlers = join(fixtures, "playbooks/handlers.yaml");
const screen = (name: string): string => join(fixtures, "screen", name);

/** The recap's lines: host → status as printed. */
function recapStatuses(stdout: string): Map<string, string> {
  const recap = stdout.slice(stdout.search(/^(RECAP|CHECK|REFUSED)\b/m));
  return new Map([...recap.matchAll(/^\S+ (bk-\d+) +(ok|changed|would change|failed|unreachable|refused|not-started|rolled-back)\b/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

// 22 hosts: above 20 the live display is one counter. Roles by index % 5: paas are bk-1, bk-6, bk-11, bk-16, bk-21.
describe("what the screen says is what happened (sshd, 22 hosts)", function () {
  this.timeout(180_000);
  const f = useFleet(22, "sshd");
  const logDir = (): string => join(f.dir(), "audit");
  const inv = (vars: Record<string, Record<string, unknown>> = {}): string => writeInventory(f.fleet(), join(f.dir(), "screen-hosts.yaml"), { vars });
  const paas = (): string[] => f.fleet().hosts.filter((h) => h.roles.includes("paas")).map((h) => h.name);
  const counts = (n: number): Record<string, Record<string, unknown>> => Object.fromEntries(paas().map((h) => [h, { expect_count: h === "bk-6" ? 2 : n }]));
  beforeEach(() => f.reset());

  it("a refused run: its own symbol per outcome live, REFUSED with nothing said to have run or changed, the same statuses as the audit log", async () => {
    const r = await bkplay(["run", handlers, "-i", inv(counts(1)), "--log-dir", logDir()]);
    expect(r.code).to.equal(1);
    // Live lines: never listr2's green tick for a host that failed or was not started.
    expect(r.stdout).to.match(/^✗ bk-6: failed — /m);
    expect(r.stdout).to.match(/^· bk-1: not-started — not applied/m);
    expect(r.stdout).not.to.match(/✔ bk-\d+: (failed|not-started|refused|unreachable)/);
    expect(r.stdout).to.match(/^REFUSED \(nothing was written\) handlers — run /m);
    expect(r.stdout, r.stdout).not.to.match(/^\s*(ran|wrote|~ )/m);
    expect(r.stdout).not.to.match(/changed=[1-9]/);
    const audit = (JSON.parse(readFileSync(join(logDir(), "runs.jsonl"), "utf8").trim().split("\n").at(-1) ?? "{}") as AuditEntry).hosts;
    expect(Object.fromEntries(recapStatuses(r.stdout))).to.deep.equal(Object.fromEntries(audit.map((h) => [h.host, h.status])));
    const json = reportOf(await bkplay(["run", handlers, "-i", inv(counts(1)), "--json", "--log-dir", logDir()]));
    expect(Object.fromEntries(json.hosts.map((h) => [h.host, h.status]))).to.deep.equal(Object.fromEntries(audit.map((h) => [h.host, h.status])));
  });

  it("a check says what would change, per host, with its files; the apply says what changed, its files and where the backups went", async () => {
    const check = await bkplay(["run", handlers, "-i", inv(counts(1)), "-l", "bk-1", "--check", "--log-dir", logDir()]);
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    const root = f.fleet().hosts[0]?.root ?? "";
    expect(check.stdout).to.include(`~ paas domain: would write ${root}/open_paas/paas/conf/settings_production.py`);
    expect(check.stdout).to.include(`~ login cookie: would write ${root}/open_paas/login/conf/settings_production.py`);
    expect(check.stdout).to.match(/^ {2}would run: echo bump >> /m);
    expect(check.stdout).to.match(/^~ bk-1 +would change /m);
    expect(check.stdout).not.to.match(/\bwrote\b|^\s*ran:/m);

    const settings = join(root, "open_paas/paas/conf/settings_production.py");
    const original = readFileSync(settings, "utf8");
    const apply = await bkplay(["run", handlers, "-i", inv(counts(1)), "-l", "bk-1", "--log-dir", logDir()]);
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(apply.stdout).to.include(`~ paas domain: wrote ${root}/open_paas/paas/conf/settings_production.py`);
    expect(apply.stdout).to.match(/^ {2}ran: echo bump >> /m);
    const backups = /^ {2}backups: (\S+) \(3 files\)$/m.exec(apply.stdout)?.[1] ?? "";
    expect(backups).to.match(/\/backup$/);
    expect(readFileSync(join(backups, settings), "utf8")).to.equal(original);
    expect(apply.stdout).to.match(/^~ bk-1 +changed +\S* *ok=\d+ changed=5 /m);
  });

  it("--diff shows mode and owner changes as text, grouped; without it the host lists them in one line each", async () => {
    const mysql = f.fleet().hosts.find((h) => h.roles.includes("mysql"));
    const data = join(mysql?.root ?? "", "perms");
    for (const d of [data, join(data, "a"), join(data, "a/b")]) mkdirSync(d, { recursive: true });
    for (const file of ["f1", "a/f2", "a/b/f3", "a/b/f4"]) writeFileSync(join(data, file), "");
    for (const p of [data, join(data, "a"), join(data, "a/b"), ...["f1", "a/f2", "a/b/f3", "a/b/f4"].map((x) => join(data, x))]) chmodSync(p, 0o755);
    const r = await bkplay(["run", screen("perms.yaml"), "-i", inv(), "-l", mysql?.name ?? "", "-C", "-D", "--log-dir", logDir()]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include(`--- data dir modes: mode 0755 → 0750: 3 directories: ${data} and below`);
    expect(r.stdout).to.include(`--- data dir modes: mode 0755 → 0640: 4 files under ${data}`);
    expect(r.stdout).to.include(`~ data dir modes: would set mode 0755 → 0640: 4 files under ${data}`);
  });

  it("a failed command leads with its cause; the long command is shortened, and whole with --verbose", async () => {
    const r = await bkplay(["run", screen("failing-command.yaml"), "-i", inv(), "-l", "bk-1", "--log-dir", logDir()]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^ {2}✗ grant: ERROR 2002 \(HY000\): Can't connect to local server through socket '\/run\/mysqld\/mysqld\.sock' \(2\) \(exit 1\)$/m);
    expect(r.stdout, r.stdout).to.match(/^ {6}reading options from \/etc\/my\.cnf$/m);
    expect(r.stdout).to.match(/^ {6}exit 1 from `echo "reading options from \/etc\/my\.cnf" >&2; echo "ERROR 2002 [^`]*…`$/m);
    expect(r.stdout).to.match(/^✗ bk-1 +failed .* grant: ERROR 2002 /m);
    expect(r.stdout).not.to.include("a-long-argument-that-no-operator-needs");
    const verbose = await bkplay(["run", screen("failing-command.yaml"), "-i", inv(), "-l", "bk-1", "--verbose", "--log-dir", logDir()]);
    expect(verbose.stdout).to.include("a-long-argument-that-no-operator-needs-to-read-to-know-what-went-wrong-here; exit 1`");
  });

  it("above 20 hosts the counter's counts add up: hosts with nothing to do are not counted", async () => {
    const r = await bkplay(["run", screen("counter.yaml"), "-i", inv(), "--log-dir", logDir()]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^counter: 21\/21 hosts done \(✔ 21 ok\)/m);
    expect(r.stdout).not.to.match(/22\/21/);
  });

  it("-C, -D and -l are --check, --diff and --limit", async () => {
    const r = await bkplay(["run", handlers, "-i", inv(counts(1)), "-C", "-D", "-l", "bk-1", "--log-dir", logDir()]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include("+PAAS_DOMAIN = 'paas.test.com'").and.match(/^CHECK \(nothing was written\)/m);
    expect([...recapStatuses(r.stdout).keys()]).to.deep.equal(["bk-1"]);
  });

  it("a play whose hosts are all limited out is fine; a condition whose read side matches no host refuses the run", async () => {
    const limited = await bkplay(["run", handlers, "-i", inv(counts(1)), "-l", "bk-2", "--check", "--log-dir", logDir()]);
    expect(limited.code, limited.stdout + limited.stderr).to.equal(0);
    const r = await bkplay(["run", screen("empty-assert.yaml"), "-i", inv(), "--json", "--log-dir", logDir()]);
    expect(r.code).to.equal(1);
    expect(reportOf(r).refused.join("\n")).to.match(/PaaS outlasts the data hosts: cannot be checked: 'data' is read on hosts 'bkdata', and the inventory has none/);
    expect(existsSync(join(f.fleet().hosts[0]?.root ?? "", "etc/bkdata.yaml"))).to.equal(false);
  });
});
