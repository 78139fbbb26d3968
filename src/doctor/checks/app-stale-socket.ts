import { shellQuote as q } from "../../steps/shell-quote.js";
import type { Check, Verdict } from "../types.js";

/** Where an agent keeps its apps (paas_agent/apps in bkce, the install root in the seeds' layout). */
const appsDirs = (root: string): string[] => [`${root}/paas_agent/apps/projects`, `${root}/apps/projects`];

/**
 * Each app's supervisord.sock, and whether a process listens on it: a listening unix socket is in /proc/net/unix
 * with the accept flag (00010000), by the path it was bound to (supervisord binds `<file>.<pid>`, then links it to
 * `<file>`). The pid file is evidence only.
 */
function socketsCommand(root: string): string {
  const globs = appsDirs(root).map((d) => `${q(d)}/*/run/supervisord.sock`).join(" ");
  return `[ -r /proc/net/unix ] || { echo 'cannot read /proc/net/unix' >&2; exit 3; }
for s in ${globs}; do
  [ -e "$s" ] || [ -L "$s" ] || continue
  if awk -v p="$s" '$4 ~ /00010000$/ && ($NF == p || (index($NF, p ".") == 1 && substr($NF, length(p) + 2) ~ /^[0-9]+$/)) { f = 1 } END { exit !f }' /proc/net/unix; then l=1; else l=0; fi
  pid=$(tr -dc 0-9 < "\${s%.sock}.pid" 2>/dev/null)
  if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then a=1; else a=0; fi
  printf '%s\\t%s\\t%s\\t%s\\n' "$l" "$a" "\${pid:--}" "$s"
done`;
}

export const appStaleSocket: Check = {
  id: "app.stale-socket",
  title: { en: "every app's supervisord.sock has a supervisord behind it", zh: "每个 app 的 supervisord.sock 都有 supervisord 在监听" },
  symptom: { en: "deploys fail on an agent host (Job Fail), or the offline deploy waits forever", zh: "agent 主机上部署失败 (Job Fail), 或离线部署一直等待" },
  fix: {
    en: "a supervisord that died left its socket: the build script then calls supervisorctl on it instead of starting supervisord. Remove the stale socket on that host, then redeploy the app",
    zh: "supervisord 异常退出后遗留了 socket, 构建脚本会对它调用 supervisorctl 而不再启动 supervisord。在该主机上删除残留的 socket, 再重新部署该 app",
  },
  groups: ["appo", "appt"],
  probes: ({ bk }) => (bk ? [{ kind: "command", command: socketsCommand(bk.root) }] : []),
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    for (const h of hosts) {
      if (!h.bk) continue;
      const r = h.facts.command(socketsCommand(h.bk.root));
      if (r.exitCode !== 0) {
        out.push({ outcome: "unknown", hosts: [h.name], message: `could not list the apps' sockets: ${r.stderr.trim() || `exit ${r.exitCode}`}` });
        continue;
      }
      const stale = r.stdout.split("\n").filter((l) => l.startsWith("0\t")).map((l) => {
        const [, alive = "0", pid = "-", path = ""] = l.split("\t");
        const app = /\/projects\/([^/]+)\/run\//.exec(path)?.[1] ?? "?";
        return { app, path, why: pid === "-" ? "no supervisord.pid beside it" : `supervisord.pid says ${pid}, ${alive === "1" ? "which is running but does not listen on it" : "which is not running"}` };
      });
      if (stale.length === 0) continue;
      out.push({
        outcome: "fail",
        hosts: [h.name],
        message: `${stale.map((s) => s.app).join(", ")}: supervisord.sock with no supervisord listening (${stale.map((s) => s.why).join("; ")})`,
        evidence: stale.map((s) => `${h.name}: ${s.path}: nothing listens on it; ${s.why}`),
        fix: { text: appStaleSocket.fix, steps: [`on ${h.name}: rm -f ${stale.map((s) => q(s.path)).join(" ")}`] },
      });
    }
    return out;
  },
};
