import { PROC_FUNCTIONS } from "./proc-shell.js";
import { shellQuote as q } from "./shell-quote.js";

/**
 * An nginx as its host runs it: the master its pid file names (what `nginx -s reload` signals), the binary it runs
 * (`/proc/<pid>/exe`, as seed 000 found it), the sockets it holds, and every TCP port something listens on. Read by
 * the nginx_listen step and by doctor.
 */
export interface NginxState {
  pidfile: string;
  /** The pid file's number; null when there is no pid file (or no number in it). */
  pid: string | null;
  /** That pid is a live nginx master. */
  running: boolean;
  /** What runs under that pid when it is not an nginx master (`comm`), or null. */
  other: string | null;
  exe: string | null;
  /** Inodes of the master's sockets; null when its open files could not be read. */
  sockets: Set<string> | null;
  /** Listening TCP port → the inodes of its listening sockets (IPv4 and IPv6). */
  listening: Map<number, string[]>;
}

const SCRIPT = `${PROC_FUNCTIONS}
pf=$1
pid=$(tr -dc 0-9 < "$pf" 2>/dev/null)
if [ -z "$pid" ]; then echo 'pid -'
elif ! bk_alive "$pid"; then echo "pid $pid dead"
elif tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q '^nginx: master process'; then
  echo "pid $pid master"
  echo "exe $(readlink "/proc/$pid/exe" 2>/dev/null)"
  if [ -r "/proc/$pid/fd" ]; then echo "sockets $(bk_inodes "$pid")"; fi
else echo "pid $pid other $(cat "/proc/$pid/comm" 2>/dev/null)"; fi
cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" { n = split($2, a, ":"); print "listen", a[n], $10 }'`;

/** The read-only command that reads an nginx's state by its pid file. */
export const nginxStateCommand = (pidfile: string): string => `sh -c ${q(SCRIPT)} nginx-state ${q(pidfile)}`;

export function parseNginxState(pidfile: string, stdout: string): NginxState {
  const s: NginxState = { pidfile, pid: null, running: false, other: null, exe: null, sockets: null, listening: new Map() };
  for (const line of stdout.split("\n")) {
    const [kind = "", ...rest] = line.split(" ");
    if (kind === "pid") {
      const [pid = "-", state = "", ...comm] = rest;
      s.pid = pid === "-" ? null : pid;
      s.running = state === "master";
      if (state === "other") s.other = comm.join(" ");
    } else if (kind === "exe") s.exe = rest.join(" ") || null;
    else if (kind === "sockets") s.sockets = new Set(rest.filter(Boolean));
    else if (kind === "listen") {
      const port = Number.parseInt(rest[0] ?? "", 16);
      if (Number.isInteger(port)) s.listening.set(port, [...(s.listening.get(port) ?? []), rest[1] ?? ""]);
    }
  }
  return s;
}

/** This nginx runs and its master holds a listening socket on `port` (any listener, when its sockets could not be read). */
export const nginxListens = (s: NginxState, port: number): boolean => {
  const inodes = s.listening.get(port) ?? [];
  return s.running && inodes.length > 0 && (s.sockets === null || inodes.some((i) => s.sockets?.has(i)));
};

/** The ports an nginx server block listens on (`listen 8010;`, `10.0.0.3:8010 default_server`, `[::]:8010`; unix: left out). */
export function listenPorts(conf: string): number[] {
  const ports: number[] = [];
  for (const m of conf.replace(/#.*$/gm, "").matchAll(/(?:^|[;{}\s])listen\s+([^\s;]+)/g)) {
    const target = m[1] ?? "";
    if (target.startsWith("unix:")) continue;
    const port = /^\d+$/.test(target) ? Number(target) : /:(\d+)$/.exec(target)?.[1] ?? (target.includes("]") || /^[\w.*-]+$/.test(target) ? "80" : undefined);
    if (port !== undefined && !ports.includes(Number(port))) ports.push(Number(port));
  }
  return ports;
}

/** Why nginx is not running, in words (`<pidfile>: missing`, `… names 123, which is not running`). */
export function notRunning(s: NginxState): string {
  if (s.pid === null) return `${s.pidfile} is missing or empty`;
  if (s.other !== null) return `${s.pidfile} names ${s.pid}, which is ${s.other || "another program"}, not an nginx master`;
  return `${s.pidfile} names ${s.pid}, which is not running`;
}
