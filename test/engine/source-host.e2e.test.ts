import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadInputs } from "../../src/cli/load-inputs.js";
import { InputError } from "../../src/errors.js";
import type { RunReport } from "../../src/engine/results.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { runInProcess } from "../hardening/run-in-process.js";
import { bkplay, reportOf } from "../support/cli.js";
import { supervisorPid, useFleet, writeInventory, type InventoryTweaks } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { treeChanges } from "../playbooks/sandbox-checks.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/copy-from-host.yaml");

describe("a step takes a file from another host (copy from:), sshd, bkce 5.x", function () {
  this.timeout(90_000);
  const f = useFleet(6, "sshd", "ce5");
  beforeEach(() => f.reset());
  const paas = (): [SandboxHost, SandboxHost] => {
    const [a, b] = f.fleet().hosts.filter((h) => h.roles.includes("paas"));
    if (!a || !b) throw new Error("two paas hosts needed");
    return [a, b];
  };
  const settings = (h: SandboxHost): string => join(h.root, "open_paas/paas/conf/settings_production.py");
  const inv = (tweaks?: InventoryTweaks): string => writeInventory(f.fleet(), join(f.dir(), "source-hosts.yaml"), tweaks);
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
  const audit = (): string => join(f.dir(), "audit");
  const run = async (...args: string[]): Promise<{ code: number; report: RunReport; text: string }> => {
    const r = await bkplay(["run", playbook, "--json", "--log-dir", audit(), ...args]);
    return { code: r.code, report: reportOf(r), text: r.stdout + r.stderr };
  };
  /** The second paas host's settings made to differ from the first's. */
  const drift = (): void => {
    const [, target] = paas();
    writeFileSync(settings(target), readFileSync(settings(target), "utf8").replace("DEBUG = False", "DEBUG = True"));
  };
  const stepStatuses = (r: RunReport): string[] => r.hosts.flatMap((h) => h.steps.map((s) => `${h.host} ${s.name}: ${s.status}`));

  it("check --diff shows exactly what apply writes: the source's bytes; the source host changes nothing; a second run does nothing", async () => {
    const [source, target] = paas();
    drift();
    const before = snapshot();
    const check = await run("-i", inv(), "--check");
    expect(check.code, check.text).to.equal(0);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
    const shown = await bkplay(["run", playbook, "-i", inv(), "--check", "--diff", "--log-dir", audit()]);
    expect(shown.stdout).to.include("-DEBUG = True\n+DEBUG = False\n");
    const pid = supervisorPid(join(target.root, "etc/supervisor-open_paas.conf"), "paas");
    const applied = await run("-i", inv());
    expect(applied.code, applied.text).to.equal(0);
    expect(stepStatuses(applied.report)).to.deep.equal([`${source.name} paas settings as on the source: ok`, `${target.name} paas settings as on the source: changed`, `${target.name} restart paas: changed`]);
    // Exact: the diff check mode showed is the one apply made, and the file is now the source's byte for byte.
    const diffsOf = (r: RunReport): unknown => r.hosts.find((h) => h.host === target.name)?.steps[0]?.diffs;
    expect(diffsOf(applied.report)).to.deep.equal(diffsOf(check.report));
    expect(readFileSync(settings(target))).to.deep.equal(readFileSync(settings(source)));
    expect(supervisorPid(join(target.root, "etc/supervisor-open_paas.conf"), "paas")).to.not.equal(pid);
    const again = await run("-i", inv());
    expect(again.report.hosts.map((h) => h.status)).to.deep.equal(["ok", "ok"]);
  });

  it("one connection and one read per host; a source left out by --limit is read over its own one connection and changes nothing", async () => {
    const [source, target] = paas();
    drift();
    const connections: string[] = [];
    const execs: string[] = [];
    const report = await runInProcess(playbook, inv(), [], target.name, { onConnect: (h) => connections.push(h), onExec: (h) => execs.push(h) });
    expect(report.hosts.find((h) => h.host === target.name)?.status).to.equal("changed");
    expect(report.hosts.find((h) => h.host === source.name)).to.include({ status: "ok" }).and.nested.property("steps.length", 0);
    expect(connections.sort()).to.deep.equal([source.name, target.name].sort());
    // The source: its probe only; the target: its probe, then its apply.
    expect(execs.sort()).to.deep.equal([source.name, target.name, target.name].sort());
    expect(readFileSync(settings(target))).to.deep.equal(readFileSync(settings(source)));
  });

  it("a plan records the source it was computed from; apply refuses a source changed since (exit 3) and writes nothing; as planned, it applies", async () => {
    const [source, target] = paas();
    drift();
    const file = join(f.dir(), "copy.plan.json");
    const planned = await bkplay(["plan", playbook, "-i", inv(), "-l", target.name, "-o", file, "--log-dir", audit()]);
    expect(planned.code, planned.stderr).to.equal(0);
    const text = readFileSync(file, "utf8");
    const original = readFileSync(settings(source));
    const change = (JSON.parse(text) as { hosts: Record<string, { changes: { source?: unknown; content?: unknown }[] }> }).hosts[target.name]?.changes[0];
    expect(change?.source).to.deep.equal({ host: source.name, path: settings(source), sha256: sha256(original) });
    expect(change).to.not.have.property("content");
    writeFileSync(settings(source), original.toString("utf8").replace("DEBUG = False", "DEBUG = 0"));
    const before = snapshot();
    const refused = await bkplay(["apply", file, "--log-dir", audit()]);
    expect(refused.code, refused.stdout + refused.stderr).to.equal(3);
    expect(refused.stdout).to.include(`${source.name}:${settings(source)}, which ${settings(target)} is copied from, changed since the plan: planned from sha256 ${sha256(original)}, now ${sha256(readFileSync(settings(source)))}`);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
    writeFileSync(settings(source), original);
    const applied = await bkplay(["apply", file, "--log-dir", audit()]);
    expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
    expect(readFileSync(settings(target))).to.deep.equal(original);
  });

  it("a source that cannot be read refuses the run before any host changes: unreachable (even left out by --limit), its file missing, not UTF-8 text", async () => {
    const [source, target] = paas();
    drift();
    const [closed = 0] = await reservePorts(1);
    const withGhost = inv({ extraHosts: { ghost: { address: "127.0.0.1", port: closed } } });
    const before = snapshot();
    const unreachable = await run("-i", withGhost, "-e", "source=ghost", "-l", target.name);
    expect(unreachable.code, unreachable.text).to.equal(1);
    expect(unreachable.report.hosts.find((h) => h.host === "ghost")?.status).to.equal("unreachable");
    expect(unreachable.report.hosts.find((h) => h.host === target.name)?.error).to.match(/^cannot read ghost, the host this step takes a file from: /);
    expect(unreachable.report.refused.join("\n")).to.include("nothing was changed on any host");
    const appo = f.fleet().hosts.find((h) => h.roles.includes("appo"))?.name ?? "";
    const missing = await run("-i", inv(), "-e", `source=${appo}`);
    expect(missing.code).to.equal(1);
    expect(missing.report.hosts.map((h) => h.error)).to.deep.equal([source.name, target.name].map(() => `${appo}:${join(f.fleet().hosts.find((h) => h.name === appo)?.root ?? "", "open_paas/paas/conf/settings_production.py")} does not exist: there is nothing to copy`));
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
    writeFileSync(settings(source), Buffer.concat([readFileSync(settings(source)), Buffer.from("# caf\xe9\n", "latin1")]));
    const latin1 = snapshot();
    const binary = await run("-i", inv());
    expect(binary.code).to.equal(1);
    expect(binary.report.hosts.find((h) => h.host === target.name)?.error).to.equal(`${source.name}:${settings(source)} is not UTF-8 text; copy from another host takes text files only`);
    expect(treeChanges(latin1, snapshot())).to.deep.equal([]);
  });

  it("an unknown source host is bad input: exit 2, located, before any host is contacted", async () => {
    expect(() => loadInputs(playbook, { inventory: inv(), extraVar: ["source=bk-9"] })).to.throw(InputError, /copy from\.host 'bk-9' is not a host of the inventory — did you mean 'bk-1'\?/);
    const r = await bkplay(["run", playbook, "-i", inv(), "-e", "source=bk-9", "--log-dir", audit()]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/copy-from-host\.yaml:\d+:\d+: copy from\.host 'bk-9' is not a host of the inventory/);
  });

  it("a source file that the same run changes on its host is refused: it would be copied as it was", async () => {
    const [source, target] = paas();
    drift();
    const before = snapshot();
    const r = await run("-i", inv(), "-e", `edit_on=${source.name}`);
    expect(r.code).to.equal(1);
    expect(r.report.hosts.find((h) => h.host === target.name)?.error).to.equal(`${source.name}:${settings(source)} is itself changed by this run on ${source.name}: it would be copied as it was before; change it in a run of its own first`);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
  });
});

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
