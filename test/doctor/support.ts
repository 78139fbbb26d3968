import { expect } from "chai";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { DoctorReport } from "../../src/doctor/run-doctor.js";
import type { Fleet } from "../../src/sandbox/fleet.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { ADMIN_PASSWORD, agentAuth, DB_PASSWORD, esbToken, fakeSecretKey, ZK_AUTH } from "../../src/sandbox/trees/secrets.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { snapshotTree } from "../support/tree-snapshot.js";

/** The logs nginx appends a line to for every request it serves (doctor's requests through the domain reach it). */
const NGINX_LOG = /\/(?:nginx\/logs|logs\/nginx|var\/log\/nginx)\/[^/]+\.log$/;

/**
 * Every entry under `root` with type, mode, owner, mtime and content hash; a socket by its metadata (it cannot be
 * read). Each host's sshd.log is the sandbox SSH server's own (the fleet's port probes land there), not the host's;
 * nginx's logs are kept by content (see changedPaths).
 */
export const snapshotHosts = (root: string): Record<string, string> => snapshotTree(root, { skip: (name) => name === "sshd.log", byText: (path) => NGINX_LOG.test(path) });

/** Paths that differ between two snapshots, as `path: before → after`; an nginx log may only have grown by lines appended. */
export function changedPaths(before: Record<string, string>, after: Record<string, string>): string[] {
  const grew = (a = "", b = ""): boolean => a.startsWith("log ") && b.startsWith(a) && (b.length === a.length || a.endsWith("\n") || a === "log ");
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => before[k] !== after[k] && !grew(before[k], after[k]))
    .map((k) => `${k}: ${(before[k] ?? "(none)").slice(0, 80)} → ${(after[k] ?? "(none)").slice(0, 80)}`);
}

/** Every secret the sandbox's files hold. */
export function sandboxSecrets(fleet: Fleet): string[] {
  return [
    DB_PASSWORD,
    ADMIN_PASSWORD,
    esbToken(),
    ZK_AUTH,
    ...["oss", "ce5", "ce6"].flatMap((g) => [fakeSecretKey(`${g} paas`), fakeSecretKey(`${g} login`)]),
    ...fleet.hosts.flatMap((h) => Object.values(agentAuth(h.root))),
  ];
}

/**
 * The agents' nginx on 8010, which paas.conf's /t/ and /o/ upstreams name: the sandbox runs no agent nginx, so a
 * test that wants a healthy fleet stands one in (a port already taken is listening as well).
 */
export function useAgentNginx(): void {
  let server: Server | undefined;
  before(async () => {
    const s = createServer((sock) => sock.destroy());
    server = await new Promise<Server | undefined>((resolve) => {
      s.once("error", () => { resolve(undefined); });
      s.listen(8010, "127.0.0.1", () => { resolve(s); });
    });
  });
  after(async () => {
    await new Promise((r) => server ? server.close(r) : r(undefined));
  });
}

/** `bkplay doctor … --json`, its report parsed; the run's outputs are returned too for grepping. */
export async function doctor(args: readonly string[]): Promise<{ run: CliResult; report: DoctorReport }> {
  const run = await bkplay(["doctor", ...args, "--json"]);
  let report: DoctorReport;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}):\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(0, 2000)}`);
  }
  return { run, report };
}

/** No secret of the sandbox in any of `texts`. */
export function expectNoSecret(fleet: Fleet, texts: readonly string[], extra: readonly string[] = []): void {
  for (const secret of [...sandboxSecrets(fleet), ...extra]) for (const t of texts) expect(t.includes(secret), `a secret shows: ${secret.slice(0, 3)}…`).to.equal(false);
}

/** Findings of the run, as `check outcome hosts` (what a test expects to see exactly). */
export const seen = (r: DoctorReport): string[] => r.findings.map((f) => `${f.check} ${f.outcome} ${[...f.hosts].sort().join(",")}`);

/** The fleet's hosts of a role, and the first of them. */
export function roles(fleet: () => Fleet): { role: (r: string) => SandboxHost[]; one: (r: string) => SandboxHost } {
  const role = (r: string): SandboxHost[] => fleet().hosts.filter((h) => h.roles.includes(r as never));
  const one = (r: string): SandboxHost => {
    const h = role(r)[0];
    if (!h) throw new Error(`no ${r} host`);
    return h;
  };
  return { role, one };
}

/**
 * Doctor (`--json`, and again as text), checked to have written nothing on any host (bytes, modes, owners,
 * mtimes) and to show no secret in any output or the --report file; both runs exit alike.
 */
export async function readOnlyDoctor(f: { fleet: () => Fleet; dir: () => string }, args: readonly string[] = [], extraSecrets: readonly string[] = []): Promise<DoctorReport & { code: number }> {
  const inv = args.includes("-i") ? [] : ["-i", f.fleet().inventoryFile];
  const before = snapshotHosts(join(f.dir(), "hosts"));
  const md = join(f.dir(), "doctor.md");
  const { run, report } = await doctor([...inv, "--report", md, ...args]);
  const text = await bkplay(["doctor", ...inv, ...args]);
  expect(changedPaths(before, snapshotHosts(join(f.dir(), "hosts")))).to.deep.equal([]);
  expectNoSecret(f.fleet(), [run.stdout, run.stderr, text.stdout, text.stderr, readFileSync(md, "utf8")], extraSecrets);
  expect(text.code).to.equal(run.code);
  return { ...report, code: run.code };
}

/** Every command bkplay sends `host` runs under `prefix` (e.g. `faketime -f +600s`, `env TZ=…`): its sh, first on its PATH, wraps the machine's. */
export function wrapShell(host: SandboxHost, prefix: string): void {
  mkdirSync(join(host.sysroot, "usr/local/bin"), { recursive: true });
  writeFileSync(join(host.sysroot, "usr/local/bin/sh"), `#!/bin/sh\nexec ${prefix} /bin/sh "$@"\n`);
  chmodSync(join(host.sysroot, "usr/local/bin/sh"), 0o755);
}
