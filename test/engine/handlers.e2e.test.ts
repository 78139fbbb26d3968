import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/playbooks");

describe("handlers: checked before any write, owed until they succeed (sshd)", function () {
  this.timeout(90_000);
  const f = useFleet(3, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "handler-hosts.yaml"));
  const paasHosts = (): { name: string; root: string }[] => f.fleet().hosts.filter((h) => h.roles.includes("paas"));
  // Read when a test runs: at describe time the fleet's folder is not made yet (it was "audit" in the working directory).
  const log = (): string => join(f.dir(), "audit");
  beforeEach(() => f.reset());

  it("a handler that fails after the writes is owed: the next run (and --check) says so and runs it; then nothing", async () => {
    const [paas] = paasHosts();
    if (!paas) throw new Error("no paas host");
    const first = await bkplay(["run", join(fixtures, "owed-handler.yaml"), "-i", inv(), "-e", "level=2", "--json", "--log-dir", log()]);
    expect(first.code).to.equal(1);
    const failed = reportOf(first).hosts.find((h) => h.host === paas.name);
    expect(failed?.steps.map((s) => `${s.name}:${s.status}`)).to.deep.equal(["level:changed", "reload level:failed"]);
    expect(readFileSync(join(paas.root, "etc/level.conf"), "utf8")).to.equal("level=2\n");
    const runId = reportOf(first).runId;

    // The files are as wanted now; only the handler is owed.
    for (const h of paasHosts()) writeFileSync(join(h.root, "etc/handler-may-run"), "");
    const check = await bkplay(["run", join(fixtures, "owed-handler.yaml"), "-i", inv(), "-e", "level=2", "--check", "--log-dir", log()]);
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(check.stdout).to.include(`pending from run ${runId}`);
    expect(existsSync(join(paas.root, "logs/reload.log"))).to.equal(false);

    const second = await bkplay(["run", join(fixtures, "owed-handler.yaml"), "-i", inv(), "-e", "level=2", "--json", "--log-dir", log()]);
    expect(second.code, second.stderr).to.equal(0);
    const host = reportOf(second).hosts.find((h) => h.host === paas.name);
    expect(host?.steps.map((s) => `${s.name}:${s.status}`)).to.deep.equal(["level:ok", "reload level:changed"]);
    expect(JSON.stringify(host?.steps[1]?.changes)).to.include(`pending from run ${runId}`);
    expect(readFileSync(join(paas.root, "logs/reload.log"), "utf8")).to.equal("reloaded\n");

    const third = await bkplay(["run", join(fixtures, "owed-handler.yaml"), "-i", inv(), "-e", "level=2", "--json", "--log-dir", log()]);
    expect(third.code).to.equal(0);
    expect(reportOf(third).hosts.every((h) => h.status === "ok")).to.equal(true);
    expect(readFileSync(join(paas.root, "logs/reload.log"), "utf8")).to.equal("reloaded\n");
  });

  it("a handler whose program is missing on one host refuses the run at plan time: no host is written", async () => {
    const hosts = f.fleet().hosts;
    expect(hosts.length).to.equal(3);
    hosts.forEach((h, i) => {
      if (i === 1) return;
      mkdirSync(join(h.root, "bin"), { recursive: true });
      writeFileSync(join(h.root, "bin/restart-level"), "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/../logs/restart.log\"\n");
      chmodSync(join(h.root, "bin/restart-level"), 0o755);
    });
    const before = snapshotTree(join(f.dir(), "hosts"));
    const r = await bkplay(["run", join(fixtures, "missing-handler-program.yaml"), "-i", inv(), "--json", "--log-dir", log()]);
    expect(r.code).to.equal(1);
    const report = reportOf(r);
    const bad = report.hosts.find((h) => h.host === hosts[1]?.name);
    expect(bad?.status).to.equal("failed");
    expect(bad?.error).to.match(/handler 'restart' cannot run here: .*restart-level all` would fail \(.*restart-level: not found\)/);
    expect(report.hosts.filter((h) => h.host !== bad?.host).map((h) => h.status)).to.satisfy((s: string[]) => s.every((x) => x === "not-started"));
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });
});
