import { execFile, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { stringify } from "yaml";
import type { RunReport } from "../../src/engine/results.js";
import { ensureKeyPair } from "../../src/sandbox/keys.js";
import { terminate } from "../../src/sandbox/processes.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { defaultStateDir } from "../../src/engine/host-session.js";

const execFileAsync = promisify(execFile);

/** Runs a program to completion; rejects with its stderr when it fails. */
export async function sh(command: string, args: readonly string[]): Promise<string> {
  return (await execFileAsync(command, args, { encoding: "utf8" })).stdout;
}

export const MARK_PLAYBOOK = join(import.meta.dirname, "../../../test/ssh-habits/fixtures/mark.yaml");
export const MARK_LINE = "# reached by bkplay";

/** A scratch directory every test user can read (sshd reads authorized_keys as the user logging in). */
export function useScratch(): () => string {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bkplay-habits-"));
    chmodSync(dir, 0o755);
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });
  return () => dir;
}

export interface Sshd {
  address: string;
  port: number;
  /** The known_hosts line for this server's host key. */
  knownHost: string;
  /** What sshd logged so far (LogLevel VERBOSE). */
  log: () => string;
  stop: () => Promise<void>;
}

export interface SshdOptions {
  address: string;
  port: number;
  authorizedKeys: string;
  /** Extra sshd_config lines (they win over the defaults below: sshd keeps the first value it reads). */
  config?: readonly string[];
  /** Run inside this network namespace. */
  netns?: string;
}

/** A real OpenSSH server as our child, logging verbosely; resolves once it listens. */
export async function startSshd(dir: string, name: string, options: SshdOptions): Promise<Sshd> {
  const hostKey = join(dir, `${name}_host_ed25519`);
  const { publicKey } = await ensureKeyPair(hostKey, name);
  const configFile = join(dir, `${name}_sshd_config`);
  writeFileSync(configFile, [
    ...(options.config ?? []),
    `Port ${options.port}`, `ListenAddress ${options.address}`, `HostKey ${hostKey}`, `AuthorizedKeysFile ${options.authorizedKeys}`,
    `PidFile ${join(dir, `${name}.pid`)}`, "PermitRootLogin yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
    "StrictModes no", "UsePAM no", "UseDNS no", "PrintMotd no", "LogLevel VERBOSE",
    // bash as a login shell over ssh sources ~/.bashrc unless SHLVL says it is nested: slow here, and not under test.
    "SetEnv SHLVL=1", "",
  ].join("\n"));
  const argv = ["/usr/sbin/sshd", "-D", "-e", "-f", configFile];
  const child = options.netns === undefined ? spawn(argv[0] ?? "", argv.slice(1)) : spawn("ip", ["netns", "exec", options.netns, ...argv]);
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) await terminate(child.pid);
  };
  const deadline = Date.now() + 10_000;
  while (!log.includes("Server listening on")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`sshd ${name} did not start:\n${log}`);
    }
    await sleep(20);
  }
  const knownHost = `${options.port === 22 ? options.address : `[${options.address}]:${options.port}`} ${publicKey}`;
  return { address: options.address, port: options.port, knownHost, log: () => log, stop };
}

/** A client key pair for tests (optionally passphrase-protected); returns the private key's path. */
export async function clientKey(dir: string, name: string, passphrase = ""): Promise<string> {
  const file = join(dir, name);
  await sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", file]);
  return file;
}

export const publicKeyOf = (keyFile: string): string => readFileSync(`${keyFile}.pub`, "utf8");

/** A local user created for one describe block (and removed after), optionally with a password and a sudoers rule. */
export function useUser(name: string, options: { password?: string; sudoers?: string } = {}): void {
  const dropIn = `/etc/sudoers.d/bkplay-test-${name}`;
  // bkplay's state directory for the user (outside its home): a user made again gets a new uid, and must not find
  // the old one's directory there.
  const stateDir = defaultStateDir(name);
  before(async () => {
    await sh("userdel", ["-r", name]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    await sh("useradd", ["-m", "-s", "/bin/sh", name]);
    // No password: '*' rather than useradd's '!', which sshd (without PAM) takes for a locked account.
    if (options.password === undefined) await sh("usermod", ["-p", "*", name]);
    else await execFileAsync("sh", ["-c", `printf '%s\\n' "$1" | chpasswd`, "sh", `${name}:${options.password}`]);
    if (options.sudoers !== undefined) writeFileSync(dropIn, `${name} ${options.sudoers}\n`, { mode: 0o440 });
  });
  after(async () => {
    rmSync(dropIn, { force: true });
    await sh("userdel", ["-r", name]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });
}

/** A native inventory: `ssh` settings for every host, and per host its address, port, ssh overrides and mark_file. */
export function writeInventory(file: string, ssh: Record<string, unknown>, hosts: Record<string, { mark_file: string; address?: string; port?: number; ssh?: Record<string, unknown> }>): string {
  const entries = Object.fromEntries(Object.entries(hosts).map(([name, { mark_file, ...rest }]) => [name, { ...rest, vars: { mark_file } }]));
  writeFileSync(file, stringify({ ssh, hosts: entries }));
  return file;
}

export interface MarkRun extends CliResult {
  report: RunReport;
  /** Host name → its error, for hosts that have one. */
  errors: Record<string, string>;
}

/**
 * `bkplay run` of the mark playbook through the real CLI, with HOME in the scratch directory (no operator config,
 * no default keys) and no agent unless `env` gives one.
 */
export async function runMark(dir: string, inventory: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<MarkRun> {
  const result = await bkplay(["run", MARK_PLAYBOOK, "-i", inventory, "--json", "--backup-dir", join(dir, "backups"), ...args], { env: { HOME: join(dir, "home"), SSH_AUTH_SOCK: "", ...env } });
  let report: RunReport;
  try {
    report = JSON.parse(result.stdout) as RunReport;
  } catch {
    throw new Error(`bkplay printed no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const errors = Object.fromEntries(report.hosts.flatMap((h) => (h.error === undefined ? [] : [[h.host, h.error]])));
  return { ...result, report, errors };
}
