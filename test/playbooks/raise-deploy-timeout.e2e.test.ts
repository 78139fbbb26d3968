import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { RunReport } from "../../src/engine/results.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

describe("playbook raise-deploy-timeout (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const root = (role: string): string => f.fleet().hosts.find((h) => h.roles.includes(role as never))?.root ?? "";
  const agentConfig = (role: string): string => join(root(role), "etc/paas_agent_config.yaml");
  const paasDefault = (): string => join(root("paas"), "open_paas/paas/conf/default.py");
  const run = async (...args: string[]): Promise<{ code: number; report: RunReport; stderr: string }> => {
    const r = await bkplay(["run", "raise-deploy-timeout", "-i", inv(), "--json", ...args]);
    return { code: r.code, report: reportOf(r), stderr: r.stderr };
  };
  beforeEach(() => f.reset());

  it("sets both timeouts keeping the files' comments and syntax, restarts once; a second run changes nothing", async () => {
    const agents = ["appo", "appt"].map((role) => ({ role, before: readFileSync(agentConfig(role), "utf8") }));
    const pyBefore = readFileSync(paasDefault(), "utf8");
    const first = await run("-e", "agent_timeout=900");
    expect(first.code, first.stderr).to.equal(0);
    for (const { role, before } of agents) {
      // Byte-identical but for the number: comments, quoting and key order survive, and the YAML still parses.
      const after = readFileSync(agentConfig(role), "utf8");
      expect(after).to.equal(before.replace("EXECUTE_TIME_LIMIT: 300", "EXECUTE_TIME_LIMIT: 900"));
      expect((parse(after) as { settings: Record<string, unknown> }).settings.EXECUTE_TIME_LIMIT).to.equal(900);
      expect(readFileSync(join(root(role), "logs/paas_agent.log"), "utf8")).to.equal("restart\n");
    }
    expect(readFileSync(paasDefault(), "utf8")).to.equal(pyBefore.replace("EVENT_STATE_EXPIRE_SECONDS = 360", "EVENT_STATE_EXPIRE_SECONDS = 960"));
    execFileSync("python3", ["-m", "py_compile", paasDefault()]);
    expect(readFileSync(join(root("paas"), "logs/dashboard.log"), "utf8")).to.equal("restart paas\n");

    const second = await run("-e", "agent_timeout=900");
    expect(second.code, second.stderr).to.equal(0);
    expect(second.report.hosts.flatMap((h) => h.steps).filter((s) => s.status !== "ok")).to.deep.equal([]);
    expect(readFileSync(join(root("paas"), "logs/dashboard.log"), "utf8")).to.equal("restart paas\n");
  });

  it("--check writes nothing and shows what would change", async () => {
    const before = snapshotTree(join(f.dir(), "hosts"));
    const r = await run("-e", "agent_timeout=900", "--check");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.hosts.filter((h) => h.status === "changed").map((h) => h.host)).to.have.members(["bk-1", "bk-2", "bk-3"]);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });

  for (const [what, args] of [
    ["given values (paas_timeout=600 < agent_timeout=900)", ["-e", "agent_timeout=900", "-e", "paas_timeout=600"]],
    ["the value on a host this run leaves alone (--limit appo:appt; paas keeps 360)", ["--limit", "appo:appt", "-e", "agent_timeout=500"]],
  ] as const) {
    it(`refuses the run, exit 1, nothing written anywhere, when PaaS would not outlast the agents: ${what}`, async () => {
      const before = snapshotTree(join(f.dir(), "hosts"));
      const r = await run(...args);
      expect(r.code).to.equal(1);
      expect(r.report.refused).to.have.length(1);
      expect(r.report.refused[0]).to.match(/raise paas_timeout above agent_timeout/).and.match(/EVENT_STATE_EXPIRE|default\.py/);
      expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
    });
  }
});
