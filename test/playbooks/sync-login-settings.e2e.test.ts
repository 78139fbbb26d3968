import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Generation } from "../../src/generations/layouts.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { expectNoSecret } from "../doctor/support.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, logOf, notOk, pidsOf, restarted, runJson, stepLines, treeChanges, warningsOf } from "./sandbox-checks.js";

/** Another Django SECRET_KEY: the classic difference between two PaaS hosts' login settings. */
const OTHER_KEY = "Zq8xWv3LmN5pR7tY9uB2cD4eF6gH8jK0aS1dQ3wE5rT7yU9iO2";
const OPEN_PAAS = ["paas", "login", "esb", "appengine"];

/** Per generation: the sandbox size that gives it two PaaS hosts, where login keeps its settings, how login restarts. */
const CASES: readonly { g: Generation; hosts: number; login: string; restart: string }[] = [
  { g: "ce5", hosts: 6, login: "open_paas/login/conf/settings_production.py", restart: "supervisorctl restart login (a new pid)" },
  { g: "ce6", hosts: 6, login: "open_paas/login/conf/settings_production.py", restart: "systemctl restart bk-paas-login.service" },
  { g: "oss", hosts: 5, login: "open_paas/src/login/conf/settings_production.py", restart: "dashboard.sh restart login" },
];

for (const { g, hosts, login, restart } of CASES) {
  describe(`sync-login-settings on ${g} (sshd): one PaaS host's SECRET_KEY differs`, function () {
    this.timeout(120_000);
    const f = useFleet(hosts, "sshd", g);
    beforeEach(() => f.reset());
    const inv = (): string => f.fleet().inventoryFile;
    const paas = (): [SandboxHost, SandboxHost] => {
      const [a, b] = f.fleet().hosts.filter((h) => h.roles.includes("paas"));
      if (!a || !b) throw new Error(`the ${g} sandbox has fewer than two PaaS hosts`);
      return [a, b];
    };
    const settings = (h: SandboxHost): string => join(h.root, login);
    const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
    const audit = (): string => join(f.dir(), "audit");
    /** The fault made real: `h`'s login signs tokens with another key. */
    const otherKeyOn = (h: SandboxHost): void => {
      const text = readFileSync(settings(h), "utf8");
      if (!/^SECRET_KEY = '[^']+'$/m.test(text)) throw new Error(`${settings(h)} has no SECRET_KEY line`);
      writeFileSync(settings(h), text.replace(/^SECRET_KEY = '[^']+'$/m, `SECRET_KEY = '${OTHER_KEY}'`));
    };
    /** What restarted on the PaaS hosts since now: `<host> <how>`, from supervisord's pids (ce5) or the stand-ins' logs. */
    const watch = (): (() => string[]) => {
      const conf = (h: SandboxHost): string => join(h.root, "etc/supervisor-open_paas.conf");
      const pids = paas().map((h) => (g === "ce5" ? pidsOf(conf(h), OPEN_PAAS) : {}));
      const log = (h: SandboxHost): string => join(h.root, "logs", g === "ce6" ? "systemctl.log" : "dashboard.log");
      const seen = paas().map((h) => logOf(log(h)));
      return () => paas().flatMap((h, i) => g === "ce5"
        ? restarted(pids[i] ?? {}, pidsOf(conf(h), OPEN_PAAS)).map((p) => `${h.name} supervisorctl restart ${p} (a new pid)`)
        : logOf(log(h)).slice(seen[i]?.length ?? 0).split("\n").filter(Boolean).map((l) => `${h.name} ${g === "ce6" ? "systemctl" : "dashboard.sh"} ${l}`));
    };

    it(`check names SECRET_KEY and writes nothing; the plan applied makes the other host's file the first's and restarts login there (${restart}); a second run does nothing; no secret in any output`, async () => {
      const [source, target] = paas();
      otherKeyOn(target);
      const before = snapshot();
      const restarts = watch();
      const check = await bkplay(["run", "sync-login-settings", "-i", inv(), "--check", "--diff", "--log-dir", audit()]);
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(check.stdout).to.include("-SECRET_KEY = '••••'\n+SECRET_KEY = '••••'\n").and.include("(secret values not shown; they differ: SECRET_KEY)");
      expect(treeChanges(before, snapshot())).to.deep.equal([]);
      expect(restarts()).to.deep.equal([]);

      const planFile = join(f.dir(), "sync.plan.json");
      const review = join(f.dir(), "sync-review.md");
      const plan = await bkplay(["plan", "sync-login-settings", "-i", inv(), "-o", planFile, "--report", review, "--log-dir", audit()]);
      expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
      expect(readFileSync(review, "utf8")).to.include("they differ: SECRET_KEY");
      expect(treeChanges(before, snapshot())).to.deep.equal([]);
      const applied = await bkplay(["apply", planFile, "--json", "--log-dir", audit()]);
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      const report = reportOf(applied);
      expect(changedHosts(report)).to.deep.equal([target.name]);
      expect(stepLines(report, source.name)).to.deep.equal(g === "ce6" ? ["bkce 6.x renders login's settings_production.py: ok", "login settings_production.py as on the source host: ok"] : ["login settings_production.py as on the source host: ok"]);
      expect(readFileSync(settings(target))).to.deep.equal(readFileSync(settings(source)));
      expect(restarts()).to.deep.equal([`${target.name} ${restart}`]);
      expect(warningsOf(report, target.name).some((w) => w.includes("bkcli render paas")), "the bkcli render warning").to.equal(g === "ce6");

      const settled = snapshot();
      const quiet = watch();
      const again = await runJson("sync-login-settings", inv(), "--log-dir", audit());
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);
      expect(quiet()).to.deep.equal([]);

      const outputs = [check, plan, applied, again].flatMap((r) => [r.stdout, r.stderr]);
      expectNoSecret(f.fleet(), [...outputs, readFileSync(planFile, "utf8"), readFileSync(review, "utf8"), readFileSync(join(audit(), "runs.jsonl"), "utf8")], [OTHER_KEY]);
    });

    it("-e source=<the other PaaS host> takes that host's file instead", async () => {
      const [first, second] = paas();
      otherKeyOn(second);
      const wanted = readFileSync(settings(second));
      const restarts = watch();
      const r = await runJson("sync-login-settings", inv(), "-e", `source=${second.name}`, "--log-dir", audit());
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(changedHosts(r.report)).to.deep.equal([first.name]);
      expect(readFileSync(settings(first))).to.deep.equal(wanted);
      expect(restarts()).to.deep.equal([`${first.name} ${restart}`]);
      expectNoSecret(f.fleet(), [r.stdout, r.stderr], [OTHER_KEY]);
    });
  });
}
