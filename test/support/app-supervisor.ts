import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** One deployed app's supervisord, as the agent lays it out: conf/supervisord.conf, run/supervisord.{sock,pid}. */
export interface AppSupervisor {
  app: string;
  conf: string;
  socket: string;
  pidfile: string;
  pid: number;
  /** Its program's pid: a supervisord killed outright leaves it running (each program has its own process group). */
  program: number;
}

/**
 * Starts a real supervisord for `app` under the agent's apps folder, with the shape of paas-ce's app template
 * (etc/templates/supervisord.conf: socket and pid in run/, one `<app>_uwsgi` program; a sleep stands in for
 * uwsgi). Its logs go to `logs` (outside the host's files, which tests snapshot). Resolves once it answers
 * supervisorctl.
 */
export async function startAppSupervisor(apps: string, app: string, logs: string): Promise<AppSupervisor> {
  const home = join(apps, app);
  const run = join(home, "run");
  mkdirSync(run, { recursive: true });
  mkdirSync(join(home, "conf"), { recursive: true });
  mkdirSync(logs, { recursive: true });
  const conf = join(home, "conf/supervisord.conf");
  const socket = join(run, "supervisord.sock");
  const pidfile = join(run, "supervisord.pid");
  writeFileSync(conf, `[unix_http_server]
file = ${socket}

[supervisorctl]
configuration = ${conf}
serverurl = unix://${socket}

[supervisord]
pidfile = ${pidfile}
logfile = ${logs}/supervisord.log
childlogdir = ${logs}
directory = ${home}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:${app}_uwsgi]
command = /bin/sleep 1000000
stdout_logfile = ${logs}/uwsgi.log
redirect_stderr = true
autorestart = true
`);
  const started = spawnSync("supervisord", ["-c", conf], { encoding: "utf8" });
  if (started.status !== 0) throw new Error(`supervisord -c ${conf}: ${started.stderr}`);
  for (let i = 0; i < 400; i++) {
    // The pid file may still name an earlier supervisord of this app: it is written after the socket is bound.
    const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, "utf8").trim()) : 0;
    const program = Number(spawnSync("supervisorctl", ["-c", conf, "pid", `${app}_uwsgi`], { encoding: "utf8" }).stdout.trim());
    if (pid > 0 && isRunning(pid) && answers(conf) && program > 0) return { app, conf, socket, pidfile, pid, program };
    await sleep(25);
  }
  throw new Error(`supervisord -c ${conf} did not answer supervisorctl`);
}

/** supervisorctl reaches the app's supervisord through its socket (what the build script's restart needs). */
export const answers = (conf: string): boolean => /^\d+$/.test(spawnSync("supervisorctl", ["-c", conf, "pid"], { encoding: "utf8" }).stdout.trim());

/** A process is there and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Kills a process with SIGKILL, as a crash or a power cut would, and waits until it is gone. */
export async function killHard(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  for (let i = 0; i < 400 && isRunning(pid); i++) await sleep(10);
}
