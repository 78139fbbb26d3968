import { readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

/**
 * Reads /proc/<pid>/cmdline (what `ps` shows) and environ (`ps e`; but for bkplay itself, started with the variable)
 * of every process below the roots (this test, whose children bkplay and its children are, and the sandbox's sshd
 * servers, whose children the host's commands are), in a tight loop on its own thread until told to stop.
 */
const WATCH = `
const { readdirSync, readFileSync } = require("node:fs");
const { workerData, parentPort } = require("node:worker_threads");
const stop = new Int32Array(workerData.stop);
const leaks = new Set();
const seen = new Set();
/** bkplay's own pids: started with the variable, its environ holds it (its cmdline empties as it exits). */
const bkplay = new Set();
let sweeps = 0;
const read = (path) => { try { return readFileSync(path, "latin1"); } catch { return ""; } };
const children = (pid) => { try { return readdirSync("/proc/" + pid + "/task").flatMap((t) => read("/proc/" + pid + "/task/" + t + "/children").split(" ").filter(Boolean)); } catch { return []; } };
while (Atomics.load(stop, 0) === 0) {
  const [test, ...servers] = workerData.roots.map(String);
  const todo = [test, ...servers];
  while (todo.length > 0) {
    const pid = todo.pop();
    const kids = children(pid);
    // The test's own node children are the bkplay runs: known even when first seen starting or exiting (empty cmdline).
    if (pid === test) for (const kid of kids) if (read("/proc/" + kid + "/stat").includes(" (node) ")) bkplay.add(kid);
    todo.push(...kids);
    const cmdline = read("/proc/" + pid + "/cmdline");
    const shown = cmdline.split("\\0").join(" ");
    if (cmdline.includes(workerData.seen)) seen.add(shown.slice(0, 80));
    if (cmdline.includes(workerData.core)) leaks.add("cmdline of " + pid + ": " + shown);
    if (cmdline.includes("bkplay.js")) bkplay.add(pid);
    if (!bkplay.has(pid) && read("/proc/" + pid + "/environ").includes(workerData.core)) leaks.add("environ of " + pid + ": " + shown + " " + read("/proc/" + pid + "/stat"));
  }
  if (sweeps++ === 0) parentPort.postMessage("watching");
}
parentPort.postMessage({ leaks: [...leaks], seen: [...seen], sweeps });
`;

export interface Watched {
  leaks: string[];
  seen: string[];
  sweeps: number;
}

/**
 * Watches every process below `roots` for `core` (a secret's distinctive part) in its argv or environment, and
 * records those whose argv holds `seen` (proof the host's command ran while watched). Resolves once the watcher has
 * looked at every process once.
 */
export async function watchProcesses(core: string, roots: readonly number[], seen: string): Promise<{ stop: () => Promise<Watched> }> {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(WATCH, { eval: true, workerData: { stop, core, roots, seen } });
  const messages: unknown[] = [];
  let wake = (): void => undefined;
  worker.on("message", (m) => {
    messages.push(m);
    wake();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((resolve, reject) => { wake = resolve; worker.once("error", reject); });
    return messages.shift();
  };
  await next();
  const result = next() as Promise<Watched>;
  return {
    stop: async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}

/** The sandbox's sshd servers (they run detached): found by their configuration in the fleet's folder. */
export function sandboxServers(fleetDir: string): number[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(fleetDir);
    } catch {
      return false;
    }
  }).map(Number);
}
