import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is alive and its command line mentions `marker`, so a recycled pid is never killed. */
export async function isOurProcess(pid: number, marker: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  return cmdline === null ? isAlive(pid) && process.platform !== "linux" : cmdline.includes(marker);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function terminate(pid: number, graceMs = 5000): Promise<void> {
  const deadline = Date.now() + graceMs;
  let signal: NodeJS.Signals = "SIGTERM";
  while (isAlive(pid)) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (Date.now() > deadline) signal = "SIGKILL";
    await sleep(20);
  }
}
