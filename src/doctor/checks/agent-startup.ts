import type { BkView } from "../../generations/host-layout.js";
import type { PaasGeneration } from "../../generations/layouts.js";
import { placePath } from "../../generations/layouts.js";
import type { Host } from "../../inventory/types.js";
import { makeRedactor } from "../../report/redact.js";
import { shellQuote as q } from "../../steps/shell-quote.js";
import { onlyOn } from "../http-probe.js";
import type { Check, Text, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";
import { say } from "../../i18n/lang.js";

/** Lines of the log's end read: startup errors are the last thing a failed start writes. */
export const TAIL_LINES = 200;

/**
 * Where the agent logs when its config names no AGENT_LOG_PATH (it logs there: paasagent main.go `initLog`):
 * the seeds' `${PAAS_ROOT}/paas_agent/var/log/agent.log` (seed 001), bkce 5.x's logs/paas_agent (BKDocs 5.1
 * logs.md: `/data/bkce/logs/<module>/`), bk-install's `$PREFIX/logs/paasagent/agent.log` (install_paasagent.sh).
 */
const DEFAULT_LOG: Readonly<Record<PaasGeneration, string>> = {
  oss: "paas_agent/var/log/agent.log",
  ce5: "logs/paas_agent/agent.log",
  ce6: "logs/paasagent/agent.log",
};

/** The tail of the log the agent's config names (else its generation's), with where the path came from. */
function logCommand(host: Host, bk: BkView): string {
  return `${onlyOn(host, bk.generation)}
l=$(sed -n "s/^[[:space:]]*AGENT_LOG_PATH:[[:space:]]*['\\"]\\{0,1\\}\\([^'\\" #]*\\).*/\\1/p" ${q(bk.agent_config)} 2>/dev/null | head -n 1)
from=${q(bk.agent_config)}
[ -n "$l" ] || { l=${q(placePath(DEFAULT_LOG[bk.generation], bk.root, bk.sysroot))}; from=default; }
printf 'log\\t%s\\t%s\\n' "$l" "$from"
if [ -r "$l" ]; then printf 'tail\\t'; tail -n ${TAIL_LINES} "$l" | base64 -w0; echo; fi`;
}

interface Known {
  pattern: RegExp;
  meaning: Text;
  step: (host: string, bk: BkView) => string;
}

/**
 * What a paas_agent that cannot start (or is refused) writes, and what it means: the coded errors of paas2's
 * agent (core/errcodes/errcodes.go, server/http.go; paas-ce's writes the same words without the code), the Go
 * runtime's port clash (its text, not a BlueKing source), and the licence errors of the older closed agent
 * (seed 001's list).
 */
const KNOWN: readonly Known[] = [
  {
    pattern: /\b1305103\b|paasagent start failed, please make sure/,
    meaning: { en: "the agent could not reach CONTROLLER_SERVER_URL (/v1/healthz) when it started, so it stopped", zh: "agent 启动时无法访问 CONTROLLER_SERVER_URL (/v1/healthz), 已退出" },
    step: (host, bk) => `on ${host}: make the name in ${bk.agent_config}'s CONTROLLER_SERVER_URL resolve and answer (see agent.controller), then restart the agent`,
  },
  {
    pattern: /\b1305102\b|sid or token is not valid/,
    meaning: { en: "App Engine calls the agent with another sid/token than auth.sid/auth.token of its config: deploys to it are refused", zh: "App Engine 调用 agent 时使用的 sid/token 与其配置的 auth.sid/auth.token 不一致: 部署会被拒绝" },
    step: (host, bk) => `on ${host}: set auth.sid and auth.token in ${bk.agent_config} to the values the developer center's server page shows (or activate the server again), then restart the agent`,
  },
  {
    pattern: /\b1305104\b|Can't listen on port|bind: address already in use/,
    meaning: { en: "the agent's port is taken by another process", zh: "agent 的端口已被其他进程占用" },
    step: (host, bk) => `on ${host}: find what holds the agent's port (port: in ${bk.agent_config}; ss -ltnp), stop it (often a second agent), then restart the agent`,
  },
  {
    pattern: /\b1305101\b|certificate verification failed/,
    meaning: { en: "licence check failed: platform.cert is missing or damaged, or the licence server did not confirm it", zh: "证书校验失败: platform.cert 不存在或已损坏, 或证书服务未确认" },
    step: (host, bk) => `on ${host}: put a valid platform.cert in CERTIFICATE_FILE_PATH of ${bk.agent_config} and make CERTIFICATE_SERVER_URL reachable, then restart the agent`,
  },
  {
    pattern: /paas_agent\.license does not exit|license expired|paas_agent\.license parse error|licenseInfo loads error|mac address error/,
    meaning: { en: "licence file missing, expired, unreadable or bound to another MAC address (older agents)", zh: "证书文件不存在、已过期、无法解析或 MAC 地址不匹配 (旧版 agent)" },
    step: (host) => `on ${host}: install the licence issued for this host's MAC address, then restart the agent`,
  },
];

/** paas_agent writes this once past its startup checks, about to listen (server/http.go `Run`). */
const STARTED = /Start agent Now listen on/;

/** Known errors the agent wrote after it last started (a clash on its port comes right after that line). */
export function startupErrors(lines: readonly string[]): { line: string; known: Known }[] {
  let from = 0;
  lines.forEach((l, i) => { if (STARTED.test(l)) from = i; });
  return lines.slice(from).flatMap((line) => {
    const known = KNOWN.find((k) => k.pattern.test(line));
    return known ? [{ line, known }] : [];
  });
}

const redact = makeRedactor([]);

export const agentStartup: Check = {
  id: "agent.startup",
  title: { en: "the agent's log shows no startup error since it last started", zh: "agent 日志中自上次启动以来没有启动错误" },
  symptom: { en: "paas_agent does not start, or refuses App Engine (sid or token is not valid)", zh: "paas_agent 无法启动, 或拒绝 App Engine 的调用 (sid or token is not valid)" },
  fix: { en: "each line quoted says what stopped the agent; fix that, then restart the agent", zh: "引用的日志行说明了 agent 失败的原因; 修复后重启 agent" },
  groups: ["appo", "appt"],
  probes: ({ host, bk }) => (bk ? [{ kind: "command", command: logCommand(host, bk) }] : []),
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      const r = h.facts.command(logCommand(h.host, bk));
      const [, path = "?", from = "?"] = r.stdout.split("\n").find((l) => l.startsWith("log\t"))?.split("\t") ?? [];
      const tail = r.stdout.split("\n").find((l) => l.startsWith("tail\t"));
      const where = from === "default" ? `${path} (no AGENT_LOG_PATH in ${bk.agent_config}: ${bk.generation}'s default)` : `${path} (AGENT_LOG_PATH)`;
      if (tail === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("startup.noLog", { where }) });
        continue;
      }
      const lines = Buffer.from(tail.slice("tail\t".length), "base64").toString("utf8").split("\n");
      const found = startupErrors(lines);
      if (found.length === 0) continue;
      const kinds = [...new Set(found.map((f) => f.known))];
      out.push({
        outcome: "fail",
        hosts: [h.name],
        message: kinds.map((k) => say(k.meaning)).join("; "),
        evidence: [...new Set(found.map((f) => `${h.name}: ${path}: ${redact(f.line.trim())}`))].slice(-5),
        fix: { text: agentStartup.fix, steps: kinds.map((k) => k.step(h.name, bk)) },
      });
    }
    return out;
  },
};
