import { StepError } from "../errors.js";
import { shellQuote as q } from "./shell-quote.js";
import { describePid, LISTENING, parseSockets, socketsCommand, type SocketDir, type SocketSpec } from "./socket-owners.js";
import type { Change, StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

/**
 * Removes the files, checked again just before: nothing may listen on the socket and the pid file must still say
 * what it said when planned (a daemon started since is left alone, and the run fails saying so).
 * Args: socket, pid file, process name, the pid planned with (`-`: none), then the files to remove.
 */
const REMOVE = `${LISTENING}
s=$1 p=$2 w=$3 planned=$4
shift 4
if [ -e "$s" ] && bk_listening "$s"; then echo "$s: a process listens on it since the plan; left alone" >&2; exit 3; fi
bk_pidstate "$p" "$w"
if [ "$bk_pid" != "$planned" ] || [ "$bk_ps" = daemon ]; then echo "$p: changed since the plan (now $bk_pid, $bk_ps); left alone" >&2; exit 3; fi
rm -f -- "$@"`;

const text = (description: string): Record<string, unknown> => ({ type: "string", minLength: 1, description });

/** The files to remove in one directory (none when its daemon is alive), and why; or why it is left. */
function verdict(d: SocketDir, s: SocketSpec): { remove: string[]; why: string } | { keep: string; warn: boolean } {
  if (d.listening) return { keep: `${d.socket}: a process listens on it (${describePid(d, s)})`, warn: false };
  if (d.pid.kind === "daemon") {
    const where = d.exists ? `does not listen on ${d.socket}` : `runs without its ${s.socket}`;
    return { keep: `${d.dir}: ${s.process} ${d.pid.pid} ${where}; left alone: stop it (kill ${d.pid.pid}), then run this again`, warn: true };
  }
  const remove = [...(d.exists ? [d.socket] : []), ...(d.pid.kind === "none" ? [] : [d.pidfile])];
  const why = d.exists ? `stale: nothing listens on ${d.socket}; ${describePid(d, s)}` : `stale ${s.pidfile}: ${describePid(d, s).replace(`${s.pidfile} says `, "")}`;
  return { remove, why };
}

export const staleSocket: StepType<SocketSpec> = {
  name: "stale_socket",
  summary: "Remove a daemon's unix socket and pid file that no live process owns (left by a crash or a reboot); a live one is kept and named",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["dirs", "socket", "pidfile", "process"],
    properties: {
      dirs: text("Directories that may hold the socket and its pid file; * and ? match as in sh (e.g. <apps>/*/run)"),
      socket: { type: "string", pattern: "^[^/]+$", description: "The socket's file name in each directory" },
      pidfile: { type: "string", pattern: "^[^/]+$", description: "The pid file's file name in each directory" },
      process: text("The daemon's program name: a pid file naming a running process whose command line holds it keeps the files"),
    },
  },
  probes: (s) => [{ kind: "command", command: socketsCommand(s) }],
  plan(s, facts) {
    const r = facts.command(socketsCommand(s));
    if (r.exitCode !== 0) throw new StepError(t("sock.cannotList", { dirs: s.dirs, why: r.stderr.trim() || `exit ${r.exitCode}` }));
    const dirs = parseSockets(r.stdout, s);
    if (dirs.length === 0) return { changes: [], messages: [`no ${s.socket} or ${s.pidfile} in ${s.dirs}`] };
    const changes: Change[] = [];
    const messages: string[] = [];
    for (const d of dirs) {
      const v = verdict(d, s);
      if ("keep" in v) {
        messages.push(v.warn ? warning(v.keep) : t("sock.kept", { what: v.keep }));
        continue;
      }
      const planned = d.pid.kind === "none" ? "-" : d.pid.pid;
      const args = [d.socket, d.pidfile, s.process, planned, ...v.remove];
      changes.push({ kind: "run", command: `sh -c ${q(REMOVE)} stale-socket ${args.map(q).join(" ")}`, reason: v.why, display: `rm -f -- ${v.remove.map(q).join(" ")}` });
    }
    return { changes, messages };
  },
};
