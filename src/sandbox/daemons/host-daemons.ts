import { setTimeout as sleep } from "node:timers/promises";
import type { SandboxHost } from "../fleet-files.js";
import { isOurProcess } from "../processes.js";
import { treeContext } from "../bk-tree.js";
import { CE5_PROGRAMS } from "../trees/ce5-paas.js";
import { supervisorConfPath, supervisorSocket } from "../trees/ce5-supervisor.js";
import { ce5NginxSetup } from "../trees/ce5-nginx.js";
import { ce6NginxSetup } from "../trees/ce6-nginx.js";
import { ossNginxSetup } from "../trees/oss-nginx.js";
import { startNginx, type NginxSpec } from "./nginx.js";
import { startSupervisord, type SupervisordSpec } from "./supervisord.js";

export type DaemonSpec = SupervisordSpec | NginxSpec;

/** A daemon the fleet started for a host, as fleet.json records it. */
export interface RunningDaemon {
  host: string;
  kind: DaemonSpec["kind"];
  pid: number;
}

const NGINX_SETUP = { oss: ossNginxSetup, ce5: ce5NginxSetup, ce6: ce6NginxSetup } as const;

/**
 * The real services a host runs: ce5's supervisord for open_paas and one for the agent, and, where the machine
 * has nginx, the host's nginx. (oss and ce6 restart through stand-ins: dashboard.sh, systemctl.)
 */
export function daemonsOf(host: SandboxHost): DaemonSpec[] {
  const specs: DaemonSpec[] = [];
  const ctx = treeContext(host.root, { generation: host.generation, sysroot: host.sysroot, index: host.installIndex, nginxPort: host.nginxPort ?? 80 });
  const supervisor = (name: string, programs: number): SupervisordSpec => ({ kind: "supervisord", conf: supervisorConfPath(ctx, name), socket: supervisorSocket(ctx, name), programs });
  if (host.generation === "ce5" && host.roles.includes("paas")) specs.push(supervisor("open_paas", CE5_PROGRAMS.length));
  if (host.generation === "ce5" && (host.roles.includes("appo") || host.roles.includes("appt"))) specs.push(supervisor("paas_agent", 1));
  if (host.generation !== "ce7" && host.roles.includes("nginx") && host.nginxPort !== undefined && ctx.realNginx) specs.push({ kind: "nginx", setup: NGINX_SETUP[host.generation](ctx), port: host.nginxPort });
  return specs;
}

const start = (spec: DaemonSpec, detached: boolean): Promise<number> => (spec.kind === "nginx" ? startNginx(spec, detached) : startSupervisord(spec, detached));

/** Starts a host's daemons (those of `kinds` only, when given); on a failure, stops those already started. */
export async function startHostDaemons(host: SandboxHost, detached: boolean, kinds?: readonly DaemonSpec["kind"][]): Promise<RunningDaemon[]> {
  const running: RunningDaemon[] = [];
  try {
    for (const spec of daemonsOf(host)) {
      if (kinds === undefined || kinds.includes(spec.kind)) running.push({ host: host.name, kind: spec.kind, pid: await start(spec, detached) });
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
 * Kills each daemon's whole process group at once (supervisord and its programs, nginx and its workers): nothing
 * of theirs needs a clean shutdown, and supervisord takes a second or two to stop on SIGTERM. `marker` (the
 * fleet directory) guards against a recycled pid.
 */
export async function stopDaemons(daemons: readonly RunningDaemon[], marker: string): Promise<void> {
  await Promise.all(daemons.map(async ({ pid }) => {
    if (pid <= 0 || !(await isOurProcess(pid, marker))) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      return;
    }
    for (let i = 0; i < 250 && isAlive(pid); i++) await sleep(20);
  }));
}
