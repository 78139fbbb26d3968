import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = join(import.meta.dirname, "../../../bin/bkplay.js");

/** The CLI speaks English unless a test asks otherwise: the machine's own locale must not change what a test reads. */
const ENGLISH = { LANG: "C.UTF-8", LC_ALL: "", LC_MESSAGES: "" };

/**
 * A HOME of the child's own, unless the test gives one: a run without --log-dir then writes its audit log there,
 * never into the user's ~/.bkplay/runs, and no ~/.ssh/config of the user's changes what a test sees. Removed
 * when the child ends.
 */
function ownHome(env: Record<string, string> | undefined): { env: Record<string, string>; cleanUp: () => void } {
  if (env?.HOME !== undefined) return { env, cleanUp: () => undefined };
  const home = mkdtempSync(join(tmpdir(), "bkplay-test-home-"));
  return { env: { ...env, HOME: home }, cleanUp: () => { rmSync(home, { recursive: true, force: true }); } };
}

/**
 * Run the real bkplay CLI as a child process (as an operator would), never on a TTY, with a HOME of its own;
 * `input` is written to its standard input (otherwise it has none).
 */
export function bkplay(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const home = ownHome(options.env);
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...ENGLISH, NO_COLOR: "1", CI: "1", ...home.env },
      stdio: "pipe",
    });
    // No input is an empty one, as /dev/null would be.
    child.stdin.end(options.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  }).finally(home.cleanUp);
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
  const home = ownHome(env);
  const child = spawn("script", ["--echo", "never", "-qec", command, "/dev/null"], { env: { ...process.env, ...ENGLISH, NO_COLOR: "1", ...home.env } });
  let screen = "";
  let answered = false;
  return new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      screen += d.toString();
      if (answered || !prompt.test(screen)) return;
      answered = true;
      child.stdin.write(`${answer}\r`);
    });
    child.on("error", reject);
    child.on("close", () => { resolve(screen); });
  }).finally(home.cleanUp);
}
