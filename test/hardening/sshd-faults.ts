import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SSHD } from "../../src/sandbox/sshd-backend.js";
import { startDaemon, type Daemon } from "../support/daemon.js";

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

function processes(): Proc[] {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).flatMap((d): Proc[] => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      return [{ pid: Number(d), ppid, comm: stat.slice(stat.indexOf("(") + 1, close), cmdline: readFileSync(`/proc/${d}/cmdline`, "utf8").replaceAll("\0", " ") }];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** The host's sshd listener and every sshd process below it (its connections): the host's side of every SSH session. */
function sshdProcesses(hostDir: string, all = processes()): Proc[] {
  const config = join(hostDir, "sshd_config");
  const found = all.filter((p) => p.cmdline.includes(config));
  for (let added = true; added; ) {
    const more = all.filter((p) => p.comm === "sshd" && found.some((f) => f.pid === p.ppid) && !found.includes(p));
    found.push(...more);
    added = more.length > 0;
  }
  return found;
}

/** Like a crashed daemon or a dropped link: every sshd process of the host dies; the shells they ran are left to notice. */
export function killSshd(hostDir: string): void {
  for (const p of sshdProcesses(hostDir)) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** True while some process of the host's sshd runs a shell (a session's script is being received or run). */
export function hasSessionShell(hostDir: string): boolean {
  const all = processes();
  const sshd = sshdProcesses(hostDir, all);
  return all.some((p) => p.comm === "sh" && sshd.some((s) => s.pid === p.ppid));
}

/** Starts the host's sshd again from its config (same port, same host key). */
export async function restartSshd(hostDir: string): Promise<Daemon> {
  return startDaemon(SSHD, ["-D", "-e", "-f", join(hostDir, "sshd_config")], portOf(hostDir));
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const portOf = (hostDir: string): number => Number(/^Port (\d+)$/m.exec(readFileSync(join(hostDir, "sshd_config"), "utf8"))?.[1]);

function sessionEnv(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return "";
  }
}

/** Scripts orphaned by a killed sshd go on until they notice; wait until no process of an SSH session to these hosts is left. */
export function waitForOrphans(hostDirs: readonly string[]): Promise<void> {
  const ends = hostDirs.map((d) => ` 127.0.0.1 ${portOf(d)}\0`);
  return waitFor("orphaned session processes to end", () => !processes().some((p) => ends.some((e) => sessionEnv(p.pid).includes(e))), 20_000, 50);
}

const CANDIDATE = /\.bkplay-\d{8}T\d{6}-[0-9a-f]{6}$/;

/** Candidate files (`.<name>.bkplay-<run id>`) anywhere below `dir`. */
export function leftoverCandidates(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => CANDIDATE.test(p)).map((p) => join(dir, p));
}
