import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import type { RunReport } from "../../src/engine/results.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { answers, isRunning, killHard, startAppSupervisor, type AppSupervisor } from "../support/app-supervisor.js";
import { installsOf, paasGeneration, useFleet } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, notOk, runJson, treeChanges, warningsOf } from "./sandbox-checks.js";

/** Where each generation's agent deploys apps (README, "Generations": bk.agent_apps). */
const APPS: Record<Generation, string> = { oss: "apps/projects", ce5: "paas_agent/apps/projects", ce6: "paas_agent/apps/projects" };
const GENERATIONS: readonly Generation[] = ["ce5", "ce6", "oss"];

/** The step's planned changes on a host, as the operator reads them (`rm -f -- …`). */
const removals = (r: RunReport, host: string): string[] => r.hosts.find((h) => h.host === host)?.steps.flatMap((s) => s.changes.map((c) => (c.kind === "run" ? c.display ?? c.command : c.kind))) ?? [];

describe("clean-stale-app-run: real app supervisords on the agents of three installs (sshd, mixed fleet)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "mixed");
  const installs = installsOf(f);
  const agentOf = (g: Generation): SandboxHost => installs.host(g, "appt host", (h) => h.roles.includes("appt"));
  const inventoryOf = installs.inventory;
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
  // Every supervisord (and its program) and stand-in process a test started: killed after each test.
  let started: AppSupervisor[] = [];
  let others: ChildProcess[] = [];
  const app = async (h: SandboxHost, name: string): Promise<AppSupervisor> => {
    const s = await startAppSupervisor(join(h.root, APPS[paasGeneration(h)]), name, join(h.sysroot, "run/app-logs", name));
    started.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of started) for (const pid of [s.pid, s.program]) await killHard(pid);
    for (const c of others) c.kill("SIGKILL");
    started = [];
    others = [];
    await f.reset();
  });

  for (const g of GENERATIONS) {
    it(`${g}: a supervisord killed -9 leaves its socket: removed with its pid file (and a pid file naming another program); the live app is kept and named; a second run does nothing`, async () => {
      const h = agentOf(g);
      const dead = await app(h, "dead_app");
      const live = await app(h, "live_app");
      // An app whose supervisord.pid now names another program: the offline job would kill that process.
      const other = spawn("sleep", ["1000000"], { stdio: "ignore" });
      others.push(other);
      const orphanPid = join(h.root, APPS[g], "orphan_app/run/supervisord.pid");
      mkdirSync(join(orphanPid, ".."), { recursive: true });
      writeFileSync(orphanPid, `${other.pid ?? 0}\n`);
      await killHard(dead.pid);
      expect(existsSync(dead.socket), "the killed supervisord leaves its socket").to.equal(true);
      expect(answers(dead.conf), "supervisorctl fails on it, as the build script's restart would").to.equal(false);

      const fresh = snapshot();
      const check = await runJson("clean-stale-app-run", inventoryOf(g), "--check");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(changedHosts(check.report)).to.deep.equal([h.name]);
      expect(removals(check.report, h.name)).to.deep.equal([`rm -f -- ${dead.socket} ${dead.pidfile}`, `rm -f -- ${orphanPid}`]);
      const step = check.report.hosts.find((x) => x.host === h.name)?.steps[0];
      expect(step?.changes.map((c) => (c.kind === "run" ? c.reason : ""))).to.deep.equal([
        `stale: nothing listens on ${dead.socket}; supervisord.pid says ${dead.pid}, which is not running`,
        `stale supervisord.pid: ${other.pid ?? 0}, which is sleep, not supervisord`,
      ]);
      expect(step?.messages).to.deep.equal([`kept ${live.socket}: a process listens on it (supervisord.pid says ${live.pid}, its supervisord)`]);
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing").to.deep.equal([]);

      const applied = await runJson("clean-stale-app-run", inventoryOf(g));
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(changedHosts(applied.report)).to.deep.equal([h.name]);
      expect([dead.socket, dead.pidfile, orphanPid].filter((p) => existsSync(p)), "removed").to.deep.equal([]);
      expect([live.socket, live.pidfile].filter((p) => existsSync(p)), "kept").to.have.length(2);
      expect(answers(live.conf) && isRunning(live.pid), "the live app's supervisord still answers").to.equal(true);
      expect(isRunning(other.pid ?? 0), "nothing was killed").to.equal(true);

      const settled = snapshot();
      const again = await runJson("clean-stale-app-run", inventoryOf(g));
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);

      // The build script now finds no socket and starts the app's supervisord, which comes up.
      const restarted = await app(h, "dead_app");
      expect(answers(restarted.conf)).to.equal(true);
    });
  }

  it("ce5: a pid file reused by another app's supervisord goes; a supervisord listening on no socket is left alone and named, with what to do", async () => {
    const h = agentOf("ce5");
    const live = await app(h, "live_app");
    // After a reboot another app's supervisord got the pid this app's file names: the offline job would kill it.
    const ghost = join(h.root, APPS.ce5, "ghost_app/run");
    mkdirSync(ghost, { recursive: true });
    writeFileSync(join(ghost, "supervisord.sock"), "");
    writeFileSync(join(ghost, "supervisord.pid"), `${live.pid}\n`);
    // Started again by hand from a configuration without its socket: the daemon lives, listening nowhere.
    const lost = await app(h, "lost_app");
    await killHard(lost.pid);
    const bare = join(lost.conf, "../bare.conf");
    writeFileSync(bare, readFileSync(lost.conf, "utf8").replace(/\[unix_http_server\][^[]*\[supervisorctl\][^[]*/, ""));
    expect(spawnSync("supervisord", ["-c", bare]).status).to.equal(0);
    let again = 0;
    for (let i = 0; i < 400 && (again === 0 || again === lost.pid); i++) {
      await sleep(25);
      again = existsSync(lost.pidfile) ? Number(readFileSync(lost.pidfile, "utf8").trim()) : 0;
    }
    started.push({ ...lost, pid: again });

    const r = await runJson("clean-stale-app-run", inventoryOf("ce5"));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const step = r.report.hosts.find((x) => x.host === h.name)?.steps[0];
    expect(step?.changes.map((c) => (c.kind === "run" ? `${c.display ?? ""} [${c.reason}]` : c.kind))).to.deep.equal([
      `rm -f -- ${ghost}/supervisord.sock ${ghost}/supervisord.pid [stale: nothing listens on ${ghost}/supervisord.sock; supervisord.pid says ${live.pid}, the supervisord of ${live.socket}]`,
    ]);
    expect(warningsOf(r.report, h.name)).to.include(`warning: ${join(lost.socket, "..")}: supervisord ${again} does not listen on ${lost.socket}; left alone: stop it (kill ${again}), then run this again`);
    expect(r.stdout).to.include(`supervisord ${again} does not listen on ${lost.socket}`);
    expect([lost.socket, lost.pidfile].filter((p) => existsSync(p)), "left").to.have.length(2);
    expect(isRunning(again) && isRunning(live.pid) && answers(live.conf), "both supervisords live on").to.equal(true);
  });

  it("ce5: each removal is checked again as it runs: a supervisord started after the plan keeps its files", async () => {
    const h = agentOf("ce5");
    const dead = await app(h, "racing_app");
    await killHard(dead.pid);
    const check = await runJson("clean-stale-app-run", inventoryOf("ce5"), "--check");
    const [change] = check.report.hosts.find((x) => x.host === h.name)?.steps[0]?.changes ?? [];
    if (change?.kind !== "run") throw new Error("no removal planned");
    // A deploy starts the app again before the planned removal runs.
    const back = await app(h, "racing_app");
    const late = spawnSync("sh", ["-c", change.command], { encoding: "utf8" });
    expect(late.status).to.equal(3);
    expect(late.stderr.trim()).to.equal(`${back.socket}: a process listens on it since the plan; left alone`);
    expect(answers(back.conf)).to.equal(true);
    expect(existsSync(back.pidfile)).to.equal(true);
  });
});
