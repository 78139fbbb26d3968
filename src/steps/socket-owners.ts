import { PROC_FUNCTIONS } from "./proc-shell.js";
import { shellQuote as q } from "./shell-quote.js";

/**
 * Unix sockets of daemons that may have died without removing them (an app's supervisord.sock), and the pid file
 * beside each. Read by the stale_socket step and by doctor: both see the same thing.
 */
export interface SocketSpec {
  /** Directories holding a socket and its pid file; `*` and `?` match as in sh (e.g. `…/apps/projects/*\/run`). */
  dirs: string;
  /** The socket's file name in each directory. */
  socket: string;
  /** The pid file's file name in each directory. */
  pidfile: string;
  /** The daemon's program name: a pid file naming a running process whose command line holds it is that daemon's. */
  process: string;
}

/**
 * What the pid file says: none; a process not running; a running daemon of `process` listening on no unix socket;
 * the one listening on this socket; one listening on another (another app's: the pid was reused); another program.
 */
export type PidState =
  | { kind: "none" }
  | { kind: "dead"; pid: string }
  | { kind: "daemon"; pid: string }
  | { kind: "owner"; pid: string }
  | { kind: "elsewhere"; pid: string; socket: string }
  | { kind: "other"; pid: string; comm: string };

export interface SocketDir {
  dir: string;
  socket: string;
  pidfile: string;
  /** The socket file is there (a socket, a link, anything). */
  exists: boolean;
  /** A process listens on it (/proc/net/unix). */
  listening: boolean;
  pid: PidState;
}

/** A pattern as one sh word: `*` and `?` expand, everything else is literal. */
export function globWord(pattern: string): string {
  return pattern.split(/([*?])/).filter((part) => part !== "").map((part) => (part === "*" || part === "?" ? part : q(part))).join("");
}

/**
 * `bk_listening PATH`: a process listens on the unix socket PATH. A listening socket is in /proc/net/unix with the
 * accept flag (00010000), under the path it was bound to: supervisord binds `<file>.<pid>`, then links it to `<file>`.
 * `bk_pidstate FILE NAME` sets bk_pid and bk_ps (`-`, `dead`, `daemon`, `elsewhere:<socket>`, `other:<comm>`): a
 * zombie is dead; a daemon's sockets are found by the inodes of its open files.
 */
export const LISTENING = `${PROC_FUNCTIONS}
bk_listening() {
  awk -v p="$1" '$4 ~ /00010000$/ && ($NF == p || (index($NF, p ".") == 1 && substr($NF, length(p) + 2) ~ /^[0-9]+$/)) { f = 1 } END { exit !f }' /proc/net/unix
}
bk_pidstate() {
  bk_pid=$(tr -dc 0-9 < "$1" 2>/dev/null)
  if [ ! -e "$1" ] || [ -z "$bk_pid" ]; then bk_ps=-; bk_pid=-; return; fi
  if ! bk_alive "$bk_pid"; then bk_ps=dead; return; fi
  if ! tr '\\0' ' ' < "/proc/$bk_pid/cmdline" 2>/dev/null | grep -qF -- "$2"; then bk_ps="other:$(cat "/proc/$bk_pid/comm" 2>/dev/null)"; return; fi
  bk_on=$(awk -v ins=" $(bk_inodes "$bk_pid")" '$4 ~ /00010000$/ && NF >= 8 && index(ins, " " $7 " ") { print $8; exit }' /proc/net/unix)
  if [ -n "$bk_on" ]; then bk_ps="elsewhere:$bk_on"; else bk_ps=daemon; fi
}`;

/** Lists every directory holding the socket or the pid file: `<exists> <listening> <pid> <pid state> <dir>`, tab-separated. */
export function socketsCommand(s: SocketSpec): string {
  return `[ -r /proc/net/unix ] || { echo 'cannot read /proc/net/unix' >&2; exit 3; }
${LISTENING}
s=${q(s.socket)} p=${q(s.pidfile)} w=${q(s.process)}
bk_report() {
  if [ -e "$1/$s" ] || [ -L "$1/$s" ]; then e=1; else e=0; fi
  if [ "$e" = 1 ] && bk_listening "$1/$s"; then l=1; else l=0; fi
  bk_pidstate "$1/$p" "$w"
  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$e" "$l" "$bk_pid" "$bk_ps" "$1"
}
for d in ${globWord(s.dirs)}; do
  if [ -e "$d/$s" ] || [ -L "$d/$s" ] || [ -e "$d/$p" ]; then bk_report "$d"; fi
done`;
}

/** The directories `socketsCommand` listed. */
export function parseSockets(stdout: string, s: SocketSpec): SocketDir[] {
  return stdout.split("\n").filter((line) => line !== "").map((line) => {
    const [exists = "0", listening = "0", pid = "-", state = "-", ...dir] = line.split("\t");
    const d = dir.join("\t");
    const socket = `${d}/${s.socket}`;
    const ps = pidState(pid, state);
    return { dir: d, socket, pidfile: `${d}/${s.pidfile}`, exists: exists === "1", listening: listening === "1", pid: ps.kind === "elsewhere" && ps.socket === socket ? { kind: "owner", pid } : ps };
  });
}

function pidState(pid: string, state: string): PidState {
  if (state === "-" || pid === "-") return { kind: "none" };
  if (state === "dead") return { kind: "dead", pid };
  if (state === "daemon") return { kind: "daemon", pid };
  if (state.startsWith("elsewhere:")) return { kind: "elsewhere", pid, socket: state.slice("elsewhere:".length).replace(/\.\d+$/, "") };
  return { kind: "other", pid, comm: state.replace(/^other:/, "") };
}

/** What the pid file says, in words: `supervisord.pid says 123, which is not running`. */
export function describePid(d: SocketDir, s: SocketSpec): string {
  switch (d.pid.kind) {
    case "none":
      return `no ${s.pidfile} beside it`;
    case "dead":
      return `${s.pidfile} says ${d.pid.pid}, which is not running`;
    case "daemon":
      return `${s.pidfile} says ${d.pid.pid}, a running ${s.process} that listens on no socket`;
    case "owner":
      return `${s.pidfile} says ${d.pid.pid}, its ${s.process}`;
    case "elsewhere":
      return `${s.pidfile} says ${d.pid.pid}, the ${s.process} of ${d.pid.socket}`;
    case "other":
      return `${s.pidfile} says ${d.pid.pid}, which is ${d.pid.comm || "another program"}, not ${s.process}`;
  }
}
