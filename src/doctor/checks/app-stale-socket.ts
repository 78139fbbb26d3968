import { describePid, parseSockets, socketsCommand, type SocketSpec } from "../../steps/socket-owners.js";
import { planCommand } from "../read.js";
import type { Check, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Each app's run/ under the agent's apps folder (as clean-stale-app-run reads it: the fix sees what doctor saw). */
const specOf = (apps: string): SocketSpec => ({ dirs: `${apps}/*/run`, socket: "supervisord.sock", pidfile: "supervisord.pid", process: "supervisord" });

export const appStaleSocket: Check = {
  id: "app.stale-socket",
  title: { en: "every app's supervisord.sock has a supervisord behind it", zh: "每个 app 的 supervisord.sock 都有 supervisord 在监听" },
  symptom: { en: "deploys fail on an agent host (Job Fail), or the offline deploy waits forever", zh: "agent 主机上部署失败 (Job Fail), 或离线部署一直等待" },
  fix: {
    en: "a supervisord that died left its socket: the build script then calls supervisorctl on it instead of starting supervisord. clean-stale-app-run removes the stale socket and pid file on that host; then redeploy the app",
    zh: "supervisord 异常退出后遗留了 socket, 构建脚本会对它调用 supervisorctl 而不再启动 supervisord。clean-stale-app-run 删除该主机上残留的 socket 与 pid 文件, 然后重新部署该 app",
  },
  groups: ["appo", "appt"],
  probes: ({ bk }) => (bk ? [{ kind: "command", command: socketsCommand(specOf(bk.agent_apps)) }] : []),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    for (const h of hosts) {
      if (!h.bk) continue;
      const spec = specOf(h.bk.agent_apps);
      const r = h.facts.command(socketsCommand(spec));
      if (r.exitCode !== 0) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("stale.couldNotList", { why: r.stderr.trim() || `exit ${r.exitCode}` }) });
        continue;
      }
      const stale = parseSockets(r.stdout, spec).filter((d) => d.exists && !d.listening).map((d) => {
        const app = /\/([^/]+)\/run$/.exec(d.dir)?.[1] ?? "?";
        return { app, path: d.socket, why: describePid(d, spec) };
      });
      if (stale.length === 0) continue;
      out.push({
        outcome: "fail",
        hosts: [h.name],
        message: t("stale.found", { apps: stale.map((s) => s.app).join(", "), why: stale.map((s) => s.why).join("; ") }),
        evidence: stale.map((s) => `${h.name}: ${s.path}: nothing listens on it; ${s.why}`),
        fix: { playbook: "clean-stale-app-run", command: planCommand("clean-stale-app-run", inventory, {}, [h.name]), text: appStaleSocket.fix },
      });
    }
    return out;
  },
};
