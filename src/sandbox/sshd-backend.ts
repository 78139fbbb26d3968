import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acceptsConnections, reservePorts } from "./ports.js";
import { terminate } from "./processes.js";
import type { RunningHost, SandboxServerHost } from "./server-host.js";

export const SSHD = "/usr/sbin/sshd";

/** One sshd_config token: double-quoted when it holds a space or a quote (sshd's own quoting). */
const sshdWord = (s: string): string => (/[\s"']/.test(s) ? `"${s.replace(/"/g, "")}"` : s);

function sshdConfig(host: SandboxServerHost, port: number, authorizedKeys: string): string {
  const env = Object.entries(host.env).map(([k, v]) => sshdWord(`${k}=${v}`)).join(" ");
  return `# bkplay sandbox sshd for ${host.name}
Port ${port}
ListenAddress 127.0.0.1
HostKey ${host.hostKeyFile}
AuthorizedKeysFile ${authorizedKeys}
PidFile ${pidFileOf(host)}
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
MaxStartups 500:30:1000
MaxSessions 50
LogLevel ERROR
# bash sources ~/.bashrc when it sees it was started by sshd, unless SHLVL says it is nested; a sandbox
# host runs plain commands, and root's .bashrc (pyenv, conda…) would cost hundreds of ms per exec.
# PATH: sshd sets it before applying SetEnv, and a non-login bash keeps it, so the host's own bin folders
# (systemctl and nginx of that host) come first in every exec session.
SetEnv SHLVL=1 ${env}
Subsystem sftp internal-sftp
`;
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

const pidFileOf = (host: SandboxServerHost): string => join(host.dir, "sshd.pid");

/**
 * Resolves true once the port answers and sshd has written its pid file (it writes it just after it listens: a host
 * snapshot taken in between would see the file change), false if sshd died first (its port was taken meanwhile).
 */
async function waitUntilListening(child: ChildProcess, port: number, pidFile: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) return false;
    const written = (await readFile(pidFile, "utf8").catch(() => "")).trim() === String(child.pid);
    if (written && (await acceptsConnections(port))) return !hasExited(child);
    await sleep(15);
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function spawnSshd(host: SandboxServerHost, port: number, authorizedKeys: string, detached: boolean): Promise<ChildProcess> {
  const configFile = join(host.dir, "sshd_config");
  await writeFile(configFile, sshdConfig(host, port, authorizedKeys));
  const log = await open(join(host.dir, "sshd.log"), "a");
  try {
    const child = spawn(SSHD, ["-D", "-e", "-f", configFile], { stdio: ["ignore", log.fd, log.fd], detached });
    if (detached) child.unref();
    return child;
  } finally {
    await log.close();
  }
}

/** Starts one OpenSSH daemon per host on free loopback ports; a port lost to a race is replaced. */
export async function startSshdHosts(hosts: SandboxServerHost[], authorizedKeys: string, detached: boolean): Promise<RunningHost[]> {
  // sshd refuses to start as root without its privilege-separation directory.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 }).catch(() => undefined);
  const results = await Promise.allSettled(hosts.map(async (host): Promise<RunningHost> => {
    for (let attempt = 1; ; attempt++) {
      const [port] = await reservePorts(1);
      if (port === undefined) throw new Error("no free port");
      const child = await spawnSshd(host, port, authorizedKeys, detached);
      if (await waitUntilListening(child, port, pidFileOf(host), 10_000)) return { name: host.name, port, pid: child.pid ?? 0 };
      if (attempt === 3) throw new Error(`sshd for ${host.name} exited at start; see ${join(host.dir, "sshd.log")}`);
    }
  }));
  const failed = results.find((r) => r.status === "rejected");
  if (failed === undefined) return results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  // Half a fleet is no use: stop the daemons that did start.
  const pids = results.flatMap((r) => (r.status === "fulfilled" && r.value.pid !== undefined ? [r.value.pid] : []));
  await Promise.all(pids.map((pid) => terminate(pid)));
  throw failed.reason;
}
