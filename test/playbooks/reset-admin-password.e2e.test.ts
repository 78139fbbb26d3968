import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Generation } from "../../src/generations/layouts.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { ADMIN_PASSWORD } from "../../src/sandbox/trees/secrets.js";
import { bkplay, reportOf, type CliResult } from "../support/cli.js";
import { installsOf, useFleet } from "../support/fleet.js";
import { LOGIN, passwordMatches, seedLoginUsers } from "../support/login-users.js";
import { sandboxServers, watchProcesses } from "../support/process-watch.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, notOk, treeChanges } from "./sandbox-checks.js";

/** The new password: its distinctive core is what every artefact is searched for; the rest is hard for a shell. */
const CORE = "Kq7Rst9vLwCore";
const NEW = `${CORE}'"$(x) ;\\`;
const OPS = "Ops#Passw0rd9";

/** Every file below `dir` (the host's backups and state, the audit log, plans), as text. */
const filesBelow = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => join(dir, p)).filter((p) => statSync(p).isFile()).map((p) => readFileSync(p, "latin1"));

describe("reset-admin-password: a login user's password through the login app's own Django (sshd, mixed fleet)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "mixed");
  const installs = installsOf(f);
  const paasOf = (g: Generation): SandboxHost => installs.host(g, "paas host", (h) => h.roles.includes("paas"));
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
  const withPassword = { env: { BKPLAY_VAR_password: NEW } };
  beforeEach(async () => {
    await f.reset();
    for (const g of ["ce5", "oss"] as const) seedLoginUsers(paasOf(g), { admin: ADMIN_PASSWORD, ops: OPS });
  });

  for (const g of ["ce5", "oss"] as const) {
    it(`${g}: check says exactly; plan and apply set it through ${LOGIN[g].venv} (stdin only, no process shows it); a second run does nothing; no artefact holds it`, async () => {
      const h = paasOf(g);
      const inventory = installs.inventory(g);
      const audit = join(f.dir(), `audit-${g}`);
      const outputs: CliResult[] = [];
      const cli = async (args: string[]): Promise<CliResult> => {
        const r = await bkplay([...args, "--log-dir", audit], withPassword);
        outputs.push(r);
        return r;
      };

      const fresh = snapshot();
      const check = await cli(["run", "reset-admin-password", "-i", inventory, "--check", "--json"]);
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      const report = reportOf(check);
      expect(changedHosts(report)).to.deep.equal([h.name]);
      const [change] = report.hosts.find((x) => x.host === h.name)?.steps.flatMap((s) => s.changes) ?? [];
      expect(change).to.include({
        kind: "run",
        reason: "BkUser admin: check_password says it differs",
        display: `${join(h.root, LOGIN[g].venv, "bin/python")} in ${join(h.root, LOGIN[g].dir)} BK_ENV=production: BkUser admin.set_password(••••), save()`,
      });
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing, the database included").to.deep.equal([]);
      expect(passwordMatches(h, "admin", ADMIN_PASSWORD)).to.equal(true);

      const plan = join(f.dir(), `reset-${g}.plan.json`);
      const review = join(f.dir(), `reset-${g}.md`);
      expect((await cli(["plan", "reset-admin-password", "-i", inventory, "-o", plan, "--report", review])).code).to.equal(0);

      const watch = await watchProcesses(CORE, [process.pid, ...sandboxServers(f.dir())], "django.setup()");
      let applied: CliResult;
      try {
        applied = await cli(["apply", plan]);
      } finally {
        const { leaks, seen } = await watch.stop();
        expect(leaks, "processes showing the password").to.deep.equal([]);
        expect(seen.length, "the watcher saw the login app's Python run").to.be.greaterThan(0);
      }
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(passwordMatches(h, "admin", NEW), "the new password").to.equal(true);
      expect(passwordMatches(h, "admin", ADMIN_PASSWORD), "the old one").to.equal(false);
      expect(passwordMatches(h, "ops", OPS), "another user's").to.equal(true);

      const settled = snapshot();
      const again = await cli(["run", "reset-admin-password", "-i", inventory, "--json"]);
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(reportOf(again))).to.deep.equal([]);
      expect(treeChanges(settled, snapshot()), "the database is not written again").to.deep.equal([]);
      outputs.push(await bkplay(["history", "--json", "--log-dir", audit]));

      const artefacts = [
        ...outputs.flatMap((o) => [o.stdout, o.stderr]),
        readFileSync(plan, "utf8"),
        readFileSync(review, "utf8"),
        ...filesBelow(audit),
        ...filesBelow(join(h.sysroot, "var")),
      ];
      expect(artefacts.filter((a) => a.includes(CORE)), "artefacts holding the password").to.deep.equal([]);
      expect(JSON.parse(readFileSync(plan, "utf8")) as { secretVars: string[] }).to.deep.include({ secretVars: ["password"] });
    });
  }

  it("ce5: a user that does not exist is refused before any host changes, named", async () => {
    const before = snapshot();
    const r = await bkplay(["run", "reset-admin-password", "-i", installs.inventory("ce5"), "-e", "username=nobody"], withPassword);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(`no BkUser with username 'nobody' (${join(paasOf("ce5").root, LOGIN.ce5.dir)}): nothing to set, nothing was changed`);
    expect(r.stdout + r.stderr).not.to.include(CORE);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
  });

  it("ce6: refused before any change: its login keeps no users, bk-user does", async () => {
    const before = snapshot();
    const r = await bkplay(["run", "reset-admin-password", "-i", installs.inventory("ce6")], withPassword);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include("bkce 6.x's login keeps no users: they live in bk-user (usermgr)").and.include("Nothing was changed");
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
  });
});
