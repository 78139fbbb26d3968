import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { acceptsConnections } from "../../src/sandbox/ports.js";
import { terminate } from "../../src/sandbox/processes.js";

export interface Daemon {
  /** What the daemon wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Start a real server in the foreground as our child; resolves once it accepts connections on `port`. */
export async function startDaemon(command: string, args: readonly string[], port: number, timeoutMs = 30_000): Promise<Daemon> {
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => { resolve(); }));
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) await terminate(child.pid, 20_000);
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsConnections(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not start listening on ${port}:\n${output}`);
    }
    await sleep(50);
  }
  return { output: () => output, stop };
}
