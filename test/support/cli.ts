import { spawn } from "node:child_process";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = join(import.meta.dirname, "../../../bin/bkplay.js");

/** Run the real bkplay CLI as a child process (as an operator would), never on a TTY. */
export function bkplay(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: "1", CI: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The `--json` report of a run; when there is none, fail with what the run printed instead. */
export function reportOf(r: CliResult): RunReport {
  try {
    return JSON.parse(r.stdout) as RunReport;
  } catch {
    throw new Error(`no JSON report (exit ${r.code}):\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  }
}

/**
 * Runs the real CLI on a pseudo-terminal (util-linux `script`) and types `answer` once `prompt` shows, as an operator
 * would; resolves with everything the terminal showed.
 */
export function onTerminal(args: readonly string[], env: Record<string, string>, prompt: RegExp, answer: string): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  // `--echo never`: script would otherwise show what it types, whatever the program does with echo.
  const child = spawn("script", ["--echo", "never", "-qec", command, "/dev/null"], { env: { ...process.env, NO_COLOR: "1", ...env } });
  let screen = "";
  let answered = false;
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      screen += d.toString();
      if (answered || !prompt.test(screen)) return;
      answered = true;
      child.stdin.write(`${answer}\r`);
    });
    child.on("error", reject);
    child.on("close", () => { resolve(screen); });
  });
}
