import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunReport } from "../../src/engine/results.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay, reportOf, type CliResult } from "../support/cli.js";
import { supervisorPid } from "../support/fleet.js";

export interface PlaybookRun extends CliResult {
  report: RunReport;
}

/** `bkplay run <playbook> -i <inventory> --json …` and its report. */
export async function runJson(playbook: string, inventory: string, ...args: string[]): Promise<PlaybookRun> {
  const r = await bkplay(["run", playbook, "-i", inventory, "--json", ...args]);
  return { ...r, report: reportOf(r) };
}

/** Hosts the run changed (a check: would change). */
export const changedHosts = (r: RunReport): string[] => r.hosts.filter((h) => h.status === "changed").map((h) => h.host);

/** Every step or handler that did (or would do) anything: a converged run has none. */
export const notOk = (r: RunReport): string[] =>
  r.hosts.flatMap((h) => h.steps.filter((s) => s.status !== "ok").map((s) => `${h.host}: ${s.name} ${s.status}`));

/** One host's steps as `name: status`, handlers as `handler name: exit N` per command they ran. */
export function stepLines(r: RunReport, host: string): string[] {
  const steps = r.hosts.find((h) => h.host === host)?.steps ?? [];
  return steps.map((s) => `${s.handler ? "handler " : ""}${s.name}: ${s.commands.map((c) => `exit ${c.exitCode}`).join() || s.status}`);
}

/** Every warning the run's steps gave on a host. */
export const warningsOf = (r: RunReport, host: string): string[] => r.hosts.find((h) => h.host === host)?.steps.flatMap((s) => s.messages) ?? [];

/**
 * `before` with each `[from, to]` replaced, each `from` found exactly once: a file equal to it was changed in
 * exactly those places and nowhere else.
 */
export function edited(before: string, ...edits: [string, string][]): string {
  return edits.reduce((text, [from, to]) => {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`expected ${JSON.stringify(from)} once in the file, found it ${count} times`);
    return text.replace(from, () => to);
  }, before);
}

/** The text of each file, to compare with after a run. */
export const readAll = (paths: readonly string[]): Map<string, string> => new Map(paths.map((p) => [p, readFileSync(p, "utf8")]));

/** A file's text, or "" when it does not exist (the sandbox's stand-ins log only what they were asked). */
export function logOf(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * GET / on a sandbox nginx with a Host header: `200 <body>`, or the bare status otherwise. HTTP/1.0 on a fresh
 * connection (a reload closes the old workers' idle ones), read until nginx closes it: nginx logs a request before
 * it closes the connection, so a snapshot of the host's files taken afterwards already holds that log line.
 */
export function answer(port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(`GET / HTTP/1.0\r\nHost: ${name}\r\n\r\n`));
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("error", reject);
    socket.on("close", () => {
      const status = /^HTTP\/1\.\d (\d{3})/.exec(text)?.[1] ?? "0";
      resolve(status === "200" ? `200 ${text.slice(text.indexOf("\r\n\r\n") + 4).trim()}` : status);
    });
  });
}

/** Polls until nginx answers `want` for `name` (a reload swaps workers asynchronously); what it answered last. */
export async function answerOnceSettled(port: number, name: string, want: string): Promise<string> {
  let got = await answer(port, name);
  for (let i = 0; i < 100 && got !== want; i++) {
    await sleep(50);
    got = await answer(port, name);
  }
  return got;
}

/** An HTTP server answering `paas` on a free loopback port: the PaaS an nginx host proxies to in a test. */
export async function standInPaas(): Promise<{ port: number; close: () => void }> {
  const [port = 0] = await reservePorts(1);
  const server = createServer((_req, res) => res.end("paas\n"));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, close: () => server.close() };
}

/**
 * Points a sandbox host's paas.conf at the stand-in PaaS (nothing listens on PaaS's own 8001 here) and reloads its
 * nginx through the host's own `nginx` (its PATH wrapper around the machine's nginx, with the host's files).
 */
export function proxyPaasTo(paasConf: string, sysroot: string, port: number): void {
  const conf = readFileSync(paasConf, "utf8");
  const upstream = "server 127.0.0.1:8001 ";
  if (!conf.includes(upstream)) throw new Error(`${paasConf} has no PaaS upstream ${upstream.trim()}`);
  writeFileSync(paasConf, conf.replace(upstream, `server 127.0.0.1:${port} `));
  const reload = spawnSync(join(sysroot, "usr/sbin/nginx"), ["-s", "reload"], { encoding: "utf8" });
  if (reload.status !== 0) throw new Error(`nginx -s reload on ${sysroot}: ${reload.stderr}`);
}

/** The pid supervisord reports for each program of a bkce 5.x supervisor config (0: not running). */
export const pidsOf = (conf: string, programs: readonly string[]): Record<string, number> =>
  Object.fromEntries(programs.map((p) => [p, supervisorPid(conf, p)]));

/** The programs whose pid changed between two pidsOf readings; a program that is not running fails the test. */
export function restarted(before: Record<string, number>, after: Record<string, number>): string[] {
  const down = Object.entries({ ...before, ...after }).filter(([, pid]) => pid === 0);
  if (down.length > 0) throw new Error(`not running under supervisord: ${down.map(([p]) => p).join(", ")}`);
  return Object.keys(after).filter((p) => after[p] !== before[p]);
}

/** Paths whose entry differs between two snapshotTree results (content, mode, owner, mtime; added or removed). */
export function treeChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return paths.filter((p) => before[p] !== after[p]).map((p) => `${p}: ${before[p] ?? "(absent)"} → ${after[p] ?? "(absent)"}`);
}
