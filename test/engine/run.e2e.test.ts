import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bkplay, reportOf } from "../support/cli.js";
import { BACKENDS, supervisorPid, useFleet, writeInventory, type InventoryTweaks } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/playbooks");
const domain = ["-e", "new_domain=paas.example.com"];

for (const backend of BACKENDS) {
  describe(`run over real SSH (${backend})`, function () {
    this.timeout(60_000);
    const f = useFleet(6, backend);
    const inv = (tweaks: InventoryTweaks = {}): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"), { vars: Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { expect_count: 1 }])), ...tweaks });
    const hostsRoot = (): string => join(f.dir(), "hosts");
    beforeEach(() => f.reset());

    it("--check --diff changes no byte and no mtime on any host, and shows the diff", async () => {
      const before = snapshotTree(hostsRoot());
      const r = await bkplay(["run", "change-domain", "-i", inv(), ...domain, "--check", "--diff"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(snapshotTree(hostsRoot())).to.deep.equal(before);
      expect(r.stdout).to.match(/^\+PAAS_DOMAIN = 'paas\.example\.com(:80)?'$/m).and.include("CHECK (nothing was written)");
      expect(r.stdout).to.include("would run:");
    });

    it("apply converges; the second run changes nothing and runs no handler", async () => {
      const paas = f.fleet().hosts[0];
      if (!paas) throw new Error("no host");
      const conf = join(paas.root, "etc/supervisor-open_paas.conf");
      const pids = (): number[] => ["paas", "login", "esb"].map((p) => supervisorPid(conf, p));
      const before = pids();
      const first = await bkplay(["run", "change-domain", "-i", inv(), ...domain, "--json"]);
      expect(first.code, first.stderr).to.equal(0);
      const report = reportOf(first);
      expect(report.hosts.filter((h) => h.status === "changed").map((h) => h.host)).to.have.members(f.fleet().hosts.filter((h) => !h.roles.every((r) => r === "mysql")).map((h) => h.name));
      expect(readFileSync(join(paas.root, "open_paas/paas/conf/settings_production.py"), "utf8")).to.match(/^PAAS_DOMAIN = 'paas\.example\.com(:80)?'$/m);
      // Restarted through the host's own supervisord: paas and login have new processes; ESB names only internal
      // addresses on bkce 5.x, so nothing of it changed and it was left running.
      const after = pids();
      for (const pid of after) expect(pid, "running").to.be.above(0);
      expect(after.slice(0, 2), "paas and login restarted").to.satisfy((now: number[]) => now.every((pid, i) => pid !== before[i]));
      expect(after[2], "esb left alone").to.equal(before[2]);
      const second = await bkplay(["run", "change-domain", "-i", inv(), ...domain, "--json"]);
      const again = reportOf(second);
      expect(again.hosts.every((h) => h.status === "ok"), second.stdout).to.equal(true);
      expect(again.hosts.flatMap((h) => h.steps).filter((s) => s.status !== "ok")).to.deep.equal([]);
      expect(pids()).to.deep.equal(after);
    });

    it("a handler notified by three steps runs once; every changed file has a backup", async () => {
      const r = await bkplay(["run", join(fixtures, "handlers.yaml"), "-i", inv(), "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const report = reportOf(r);
      const paas = f.fleet().hosts[0]?.root ?? "";
      expect(readFileSync(join(paas, "logs/bump.log"), "utf8")).to.equal("bump\n");
      const host = report.hosts.find((h) => h.host === "bk-1");
      expect(host?.backups).to.have.length(3);
      for (const b of host?.backups ?? []) expect(existsSync(b), b).to.equal(true);
      expect(readFileSync(host?.backups.find((b) => b.endsWith("paas/conf/settings_production.py")) ?? "", "utf8")).to.match(/^PAAS_DOMAIN = 'paas\.bk\.com(:80)?'$/m);
    });

    it("a host that cannot be planned stops every host: nothing is written anywhere, exit 1, each reason listed", async () => {
      const vars = Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { expect_count: h.name === "bk-6" ? 2 : 1 }]));
      const before = snapshotTree(hostsRoot());
      const r = await bkplay(["run", join(fixtures, "handlers.yaml"), "-i", inv({ vars }), "--json"]);
      expect(r.code).to.equal(1);
      const report = reportOf(r);
      expect(report.refused.join("\n")).to.match(/1 host could not be planned \(bk-6.*nothing was changed on any host.*--partial/);
      expect(report.hosts.find((h) => h.host === "bk-6")?.error).to.match(/expected 2 match/);
      const others = report.hosts.filter((h) => h.host !== "bk-6");
      expect(others.map((h) => h.status)).to.satisfy((all: string[]) => all.every((s) => s === "not-started"));
      // Planned changes are not counted as done.
      expect(others.flatMap((h) => h.steps).filter((s) => s.status === "changed")).to.deep.equal([]);
      expect(snapshotTree(hostsRoot())).to.deep.equal(before);
    });

    it("with --partial, a failing step stops its host only; later steps and handlers do not run there", async () => {
      const vars = Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { expect_count: h.name === "bk-6" ? 2 : 1 }]));
      const r = await bkplay(["run", join(fixtures, "handlers.yaml"), "-i", inv({ vars }), "--partial", "--json"]);
      expect(r.code).to.equal(1);
      const report = reportOf(r);
      const failed = report.hosts.find((h) => h.host === "bk-6");
      expect(failed?.status).to.equal("failed");
      // Its plan failed, so nothing it planned was applied: no step of it "changed".
      expect(failed?.steps.map((s) => `${s.handler ? "handler " : ""}${s.status}`)).to.deep.equal(["not-run", "not-run", "not-run", "failed", "not-run", "handler not-run"]);
      expect(failed?.error).to.match(/expected 2 match/);
      expect(existsSync(join(f.fleet().hosts[5]?.root ?? "", "logs/bump.log"))).to.equal(false);
      expect(report.hosts.find((h) => h.host === "bk-1")?.status).to.equal("changed");
    });

    it("a failed validate leaves the live file byte-for-byte intact", async () => {
      const host = f.fleet().hosts.find((h) => h.roles.includes("nginx"));
      const nginx = host?.root ?? "";
      const conf = join(nginx, "etc/nginx/paas.conf");
      const before = readFileSync(conf);
      const r = await bkplay(["run", join(fixtures, "nginx-validate.yaml"), "-i", inv(), "--json"]);
      expect(r.code).to.equal(1);
      const report = reportOf(r);
      expect(report.hosts.find((h) => h.host === host?.name)?.steps[0]?.error).to.match(/validate failed/);
      expect(readFileSync(conf).equals(before)).to.equal(true);
      expect(snapshotTree(join(nginx, "etc/nginx"))).to.have.keys([join(nginx, "etc/nginx/paas.conf")]);
    });

    it("an unreachable host stops the run before any change; with --partial the others complete; exit 1 both times", async () => {
      const file = inv({ extraHosts: { "bk-dead": { address: "127.0.0.1", port: 1 } }, vars: { ...Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { expect_count: 1 }])), "bk-dead": { expect_count: 1 } } });
      const before = snapshotTree(hostsRoot());
      const gated = await bkplay(["run", join(fixtures, "handlers.yaml"), "-i", file, "--json"]);
      expect(gated.code).to.equal(1);
      const refused = reportOf(gated);
      expect(refused.hosts.find((h) => h.host === "bk-dead")?.status).to.equal("unreachable");
      expect(refused.hosts.filter((h) => h.status === "changed")).to.have.length(0);
      expect(snapshotTree(hostsRoot())).to.deep.equal(before);

      const r = await bkplay(["run", join(fixtures, "handlers.yaml"), "-i", file, "--partial", "--json"]);
      expect(r.code).to.equal(1);
      const report = reportOf(r);
      const dead = report.hosts.find((h) => h.host === "bk-dead");
      expect(dead?.status).to.equal("unreachable");
      expect(dead?.error).to.match(/refused/i);
      expect(report.hosts.filter((h) => h.status === "changed").map((h) => h.host)).to.have.members(f.fleet().hosts.filter((h) => h.roles.includes("paas")).map((h) => h.name));
    });
  });
}
