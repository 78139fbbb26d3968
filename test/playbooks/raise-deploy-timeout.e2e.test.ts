import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, edited, notOk, pidsOf, readAll, restarted, runJson, treeChanges } from "./sandbox-checks.js";

const OPEN_PAAS = ["paas", "login", "esb", "appengine"];
const OVERRIDE = "EVENT_STATE_EXPIRE_SECONDS = 3600\n";

describe("playbook raise-deploy-timeout (sshd, ce5)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const hosts = (): string => join(f.dir(), "hosts");
  const only = (role: string): SandboxHost => {
    const h = f.fleet().hosts.find((host) => host.roles.includes(role as never));
    if (!h) throw new Error(`no ${role} host`);
    return h;
  };
  const agents = (): SandboxHost[] => [only("appo"), only("appt")];
  const agentConfig = (h: SandboxHost): string => join(h.root, "etc/paas_agent_config.yaml");
  const paasDefault = (): string => join(only("paas").root, "open_paas/paas/conf/default.py");
  const paasSettings = (): string => join(only("paas").root, "open_paas/paas/conf/settings_production.py");
  // Agents run under their own supervisord (program paas_agent), PaaS under open_paas's.
  const pids = (): Record<string, number> => ({
    ...pidsOf(join(only("paas").root, "etc/supervisor-open_paas.conf"), OPEN_PAAS),
    ...Object.fromEntries(agents().map((h) => [h.name, pidsOf(join(h.root, "etc/supervisor-paas_agent.conf"), ["paas_agent"]).paas_agent ?? 0])),
  });
  const run = (...args: string[]): ReturnType<typeof runJson> => runJson("raise-deploy-timeout", inv(), ...args);
  beforeEach(() => f.reset());

  it("sets both timeouts keeping the files' comments and syntax (the override in settings_production.py, default.py untouched), restarts the agents and paas once; a second run changes nothing", async () => {
    const before = readAll([...agents().map(agentConfig), paasSettings(), paasDefault()]);
    const fresh = pids();
    const first = await run("-e", "agent_timeout=900");
    expect(first.code, first.stderr).to.equal(0);
    for (const h of agents()) {
      // Byte-identical but for the number: comments, quoting and key order survive, and the YAML still parses.
      const after = readFileSync(agentConfig(h), "utf8");
      expect(after).to.equal(edited(before.get(agentConfig(h)) ?? "", ["EXECUTE_TIME_LIMIT: 300\n", "EXECUTE_TIME_LIMIT: 900\n"]));
      expect((parse(after) as { settings: Record<string, unknown> }).settings.EXECUTE_TIME_LIMIT).to.equal(900);
      // Restarted by its supervisord, never by calling the agent binary (which would start a second agent).
      expect(existsSync(join(h.root, "logs/paas_agent.log")), `${h.name} paas_agent binary called`).to.equal(false);
    }
    expect(readFileSync(paasSettings(), "utf8")).to.equal(edited(before.get(paasSettings()) ?? "", [OVERRIDE, "EVENT_STATE_EXPIRE_SECONDS = 960\n"]));
    expect(readFileSync(paasDefault(), "utf8")).to.equal(before.get(paasDefault()));
    execFileSync("python3", ["-m", "py_compile", paasSettings()]);
    const once = pids();
    expect(restarted(fresh, once)).to.have.members(["paas", ...agents().map((h) => h.name)]);

    const settled = snapshotTree(hosts());
    const second = await run("-e", "agent_timeout=900");
    expect(second.code, second.stderr).to.equal(0);
    expect(notOk(second.report)).to.deep.equal([]);
    expect(treeChanges(settled, snapshotTree(hosts()))).to.deep.equal([]);
    expect(restarted(once, pids())).to.deep.equal([]);
  });

  it("--check writes nothing, restarts nothing and shows what would change", async () => {
    const before = snapshotTree(hosts());
    const running = pids();
    const r = await run("-e", "agent_timeout=900", "--check");
    expect(r.code, r.stderr).to.equal(0);
    expect(changedHosts(r.report)).to.have.members([only("paas").name, ...agents().map((h) => h.name)]);
    expect(treeChanges(before, snapshotTree(hosts()))).to.deep.equal([]);
    expect(restarted(running, pids())).to.deep.equal([]);
  });

  // PaaS reads default.py, then settings_production.py's override: the effective value decides.
  const refusals: [what: string, settings: (text: string) => string, args: string[], origin: RegExp][] = [
    ["given values (paas_timeout=600 < agent_timeout=900)", (t) => t, ["-e", "agent_timeout=900", "-e", "paas_timeout=600"], /"?600"? \(\S+settings_production\.py\) is not > 900/],
    ["--limit appo:appt and agent_timeout at the override PaaS keeps (3600)", (t) => t, ["--limit", "appo:appt", "-e", "agent_timeout=3600"], /"?3600"? \(\S+settings_production\.py\) is not > 3600/],
    ["--limit appo:appt and an override (400) below the new agent timeout, default.py's 360 aside", (t) => edited(t, [OVERRIDE, "EVENT_STATE_EXPIRE_SECONDS = 400\n"]), ["--limit", "appo:appt", "-e", "agent_timeout=500"], /"?400"? \(\S+settings_production\.py\) is not > 500/],
    ["--limit appo:appt and no override: default.py's 360", (t) => edited(t, [OVERRIDE, ""]), ["--limit", "appo:appt", "-e", "agent_timeout=500"], /"?360"? \(\S+default\.py\) is not > 500/],
  ];
  for (const [what, settings, args, origin] of refusals) {
    it(`refuses the run, exit 1, nothing written anywhere, when PaaS would not outlast the agents: ${what}`, async () => {
      writeFileSync(paasSettings(), settings(readFileSync(paasSettings(), "utf8")));
      const before = snapshotTree(hosts());
      const r = await run(...args);
      expect(r.code).to.equal(1);
      expect(r.report.refused).to.have.length(1);
      expect(r.report.refused[0]).to.match(/raise paas_timeout above agent_timeout/).and.match(origin);
      expect(treeChanges(before, snapshotTree(hosts()))).to.deep.equal([]);
    });
  }

  it("--limit appo:appt with agent_timeout above default.py's 360 but below the override (3600) runs: only the agents change", async () => {
    const paasFiles = snapshotTree(only("paas").sysroot);
    const r = await run("--limit", "appo:appt", "-e", "agent_timeout=500");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.refused).to.deep.equal([]);
    expect(changedHosts(r.report)).to.have.members(agents().map((h) => h.name));
    for (const h of agents()) expect(readFileSync(agentConfig(h), "utf8")).to.include("EXECUTE_TIME_LIMIT: 500\n");
    expect(treeChanges(paasFiles, snapshotTree(only("paas").sysroot))).to.deep.equal([]);
  });
});
