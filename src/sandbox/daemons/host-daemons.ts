import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SandboxHost } from "../fleet-files.js";
import { isOurProcess, processTree } from "../processes.js";
import { treeContext } from "../bk-tree.js";
import { CE5_PROGRAMS } from "../trees/ce5-paas.js";
import { supervisorConfPath, supervisorSocket } from "../trees/ce5-supervisor.js";
import { ce5NginxSetup } from "../trees/ce5-nginx.js";
import { ce6NginxSetup } from "../trees/ce6-nginx.js";
import { ossNginxSetup } from "../trees/oss-nginx.js";
import { startNginx, type NginxSpec } from "./nginx.js";
import { startSupervisord, type SupervisordSpec } from "./supervisord.js";
import { startMariaDb, type MariaDbSpec } from "./mariadb.js";
import { startPythonHttp, type PythonHttpSpec } from "./python-http.js";
import { agentAuth } from "../trees/secrets.js";
import { DB_OF } from "../trees/python.js";
import { HEALTHZ_SERVER, healthzConfig, healthzDir } from "../standins/healthz.js";

export type DaemonSpec = SupervisordSpec | NginxSpec | PythonHttpSpec | MariaDbSpec;

/** A daemon the fleet started for a host, as fleet.json records it. */
export interface RunningDaemon {
  host: string;
  kind: DaemonSpec["kind"];
  pid: number;
}

const NGINX_SETUP = { oss: ossNginxSetup, ce5: ce5NginxSetup, ce6: ce6NginxSetup } as const;

/** A PaaS host's healthz stand-in: its modules on the host's ports; App Engine knows the install's agents. */
function healthzOf(host: SandboxHost, install: readonly SandboxHost[]): PythonHttpSpec | undefined {
  const g = host.generation;
  if (g === "ce7" || !host.roles.includes("paas") || host.paasPorts === undefined) return undefined;
  const agents = install.filter((h) => h.roles.includes("appo") || h.roles.includes("appt")).map((h) => ({ url: `http://${h.address}:4245`, ...agentAuth(h.root) }));
  const dir = healthzDir(host.sysroot);
  const config = healthzConfig(host.sysroot, g, host.paasPorts, DB_OF[g].host, agents);
  return {
    kind: "healthz",
    args: [join(dir, "server.py"), join(dir, "config.json")],
    ports: Object.values(host.paasPorts),
    files: [{ path: join(dir, "server.py"), content: HEALTHZ_SERVER }, { path: join(dir, "config.json"), content: `${JSON.stringify(config, null, 2)}\n` }],
    log: join(dir, "server.log"),
  };
}

/**
 * The real services a host runs: ce5's supervisord for open_paas and one for the agent; where the machine
 * has nginx, the host's nginx; on a PaaS host, its modules' healthz (a stand-in). (oss and ce6 restart through
 * stand-ins: dashboard.sh, systemctl.) `install`: the hosts of its install.
 */
export function daemonsOf(host: SandboxHost, install: readonly SandboxHost[] = [host]): DaemonSpec[] {
  const specs: DaemonSpec[] = [];
  const ctx = treeContext(host.root, { generation: host.generation, sysroot: host.sysroot, index: host.installIndex, nginxPort: host.nginxPort ?? 80 });
  const supervisor = (name: string, programs: number): SupervisordSpec => ({ kind: "supervisord", conf: supervisorConfPath(ctx, name), socket: supervisorSocket(ctx, name), programs });
  if (host.generation === "ce5" && host.roles.includes("paas")) specs.push(supervisor("open_paas", CE5_PROGRAMS.length));
  if (host.generation === "ce5" && (host.roles.includes("appo") || host.roles.includes("appt"))) specs.push(supervisor("paas_agent", 1));
  if (host.generation !== "ce7" && host.roles.includes("nginx") && host.nginxPort !== undefined && ctx.realNginx) specs.push({ kind: "nginx", setup: NGINX_SETUP[host.generation](ctx), port: host.nginxPort });
  const healthz = healthzOf(host, install);
  if (healthz !== undefined) specs.push(healthz);
  return specs;
}

export function startDaemon(spec: DaemonSpec, detached: boolean): Promise<number> {
  switch (spec.kind) {
    case "nginx":
      return startNginx(spec, detached);
    case "supervisord":
      return startSupervisord(spec, detached);
    case "mariadb":
      return startMariaDb(spec, detached);
    default:
      return startPythonHttp(spec, detached);
  }
}

/** Starts a host's daemons (those of `kinds` only, when given); on a failure, stops those already started. */
export async function startHostDaemons(host: SandboxHost, detached: boolean, kinds?: readonly DaemonSpec["kind"][], install?: readonly SandboxHost[]): Promise<RunningDaemon[]> {
  const running: RunningDaemon[] = [];
  try {
    for (const spec of daemonsOf(host, install)) {
      if (kinds === undefined || kinds.includes(spec.kind)) running.push({ host: host.name, kind: spec.kind, pid: await startDaemon(spec, detached) });
    }
  } catch (error) {
    await stopDaemons(running, host.sysroot);
    throw error;
  }
  return running;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Kills each daemon's whole process group and every process below it at once (supervisord and its programs, which
 * supervisord puts in groups of their own; nginx and its workers): nothing of theirs needs a clean shutdown, and
 * supervisord takes a second or two to stop on SIGTERM. `marker` (the fleet directory) guards against a recycled pid.
 */
export async function stopDaemons(daemons: readonly RunningDaemon[], marker: string): Promise<void> {
  await Promise.all(daemons.map(async ({ pid }) => {
    if (pid <= 0 || !(await isOurProcess(pid, marker))) return;
    const below = (await processTree(pid)).slice(1);
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      return;
    }
    for (const child of below) {
      try {
        process.kill(child, "SIGKILL");
      } catch {
        // Gone with its group already.
      }
    }
    for (let i = 0; i < 250 && isAlive(pid); i++) await sleep(20);
  }));
}
