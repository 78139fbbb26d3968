import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface Sample {
  wallS: number;
  userS: number;
  sysS: number;
  /** Peak RSS in MiB of the process, or of its largest waited-for descendant (getrusage semantics). */
  rssMiB: number;
  /** 1-minute load average when the run started (this machine may be shared). */
  load1: number;
}

export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes; /dev/null unless given. */
  stdoutFile?: string;
}

const TIME = "/usr/bin/time";

/** Runs a whole process under /usr/bin/time (wall from here, CPU and peak RSS from time's -f '%e %U %S %M'). */
export async function timed(command: Command): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), "bkbench-time-"));
  const out = join(dir, "time");
  const handle = command.stdoutFile === undefined ? undefined : await open(command.stdoutFile, "w");
  try {
    const stdout = handle === undefined ? "ignore" : handle.fd;
    const [load1 = NaN] = loadavg();
    const started = performance.now();
    const child = spawn(TIME, ["-f", "%e %U %S %M", "-o", out, command.cmd, ...command.args], {
      stdio: ["ignore", stdout, "pipe"],
      env: command.env ?? process.env,
    });
    const stderr: Buffer[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const wallS = (performance.now() - started) / 1000;
    if (code !== 0) {
      const tail = Buffer.concat(stderr).toString("utf8").slice(-2000);
      throw new Error(`${command.cmd} ${command.args.join(" ")} exited ${String(code)}:\n${tail}`);
    }
    const fields = (await readFile(out, "utf8")).trim().split("\n").pop()?.split(" ").map(Number) ?? [];
    const [, user = NaN, sys = NaN, rssKiB = NaN] = fields;
    return { wallS, userS: user, sysS: sys, rssMiB: rssKiB / 1024, load1 };
  } finally {
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

export interface Summary {
  runs: number;
  wallMedian: number;
  wallMin: number;
  wallMax: number;
  cpuMedian: number;
  rssMaxMiB: number;
  loadMedian: number;
}

export function summarize(samples: readonly Sample[]): Summary {
  const walls = samples.map((s) => s.wallS);
  return {
    runs: samples.length,
    wallMedian: median(walls),
    wallMin: Math.min(...walls),
    wallMax: Math.max(...walls),
    cpuMedian: median(samples.map((s) => s.userS + s.sysS)),
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    loadMedian: median(samples.map((s) => s.load1)),
  };
}

/** Runs a command to completion, returning stdout; throws on a non-zero exit. */
export function runCommand(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${String(code)}: ${Buffer.concat(err).toString("utf8").slice(-1000)}`));
    });
  });
}
