import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { ConnectError } from "../errors.js";
import { exitCodeOf } from "./exit-code.js";
import type { ExecOptions, ExecResult, Transport } from "./types.js";

/** Runs commands on the controller itself through /bin/sh, with the same result shape as SSH. */
export function localTransport(name: string): Transport {
  const exec = (command: string, options: ExecOptions = {}): Promise<ExecResult> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn("/bin/sh", ["-c", command], { stdio: "pipe" });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        options.onStdout?.(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      // A command that never reads its stdin closes the pipe early; that is not a failure.
      child.stdin.on("error", () => undefined);
      child.on("error", (error) => {
        reject(new ConnectError(name, `${name} (local): cannot run /bin/sh: ${error.message}`, { cause: error }));
      });
      child.on("close", (code, signal) => {
        const exitCode = exitCodeOf(code, signal);
        resolve({ command, exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), durationMs: performance.now() - started });
      });
      child.stdin.end(options.stdin);
    });
  return { host: name, exec, close: () => Promise.resolve() };
}
