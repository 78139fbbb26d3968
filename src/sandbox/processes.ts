import { readdir, readFile } from "node:fs/promises";
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

/**
 * `pid` and every process below it, read from each task's `children` (Linux): supervisord gives each program a
 * process group of its own, so killing supervisord's group alone leaves its programs running.
 */
export async function processTree(pid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    out.push(next);
    const tasks = await readdir(`/proc/${next}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await readFile(`/proc/${next}/task/${task}/children`, "utf8").catch(() => "");
      queue.push(...children.split(" ").filter((c) => c !== "").map(Number));
    }
  }
  return out;
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
