import type { BkView } from "../../generations/host-layout.js";
import type { Host } from "../../inventory/types.js";
import { HTTP_PRELUDE, noAnswer, onlyOn, repliesOf, urlOf, urlRequest } from "../http-probe.js";
import { contentOf } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

const KEY = "CONTROLLER_SERVER_URL";

/** What the agent does first when it starts (paasagent server/http.go `controllerStatus`): GET <CONTROLLER_SERVER_URL>/v1/healthz. */
export const controllerCommand = (host: Host, bk: BkView): string => `${onlyOn(host, bk.generation)}\n${HTTP_PRELUDE}\n${urlRequest(KEY, bk.agent_config, "/v1/healthz")}`;

/**
 * Why an agent host cannot reach a URL of its config (resolve, connect, answer), or undefined when it got an
 * HTTP answer: what the agent itself asks of CONTROLLER_SERVER_URL at start (any answer will do), and of its
 * pip index before a build.
 */
export function unreachable(stdout: string, key: string, host: string): { url: string; why: string; unknown?: true } | undefined {
  const u = urlOf(stdout, key);
  const url = u.url ?? "";
  if (u.resolveExit === 127) return { url, why: `getent is not installed on ${host}: cannot resolve ${u.name ?? "?"}`, unknown: true };
  if (u.resolveExit !== 0 || !u.address) return { url, why: `${u.name ?? "?"} does not resolve on ${host} (getent hosts: ${u.resolveExit === 2 ? "not found" : `exit ${u.resolveExit ?? "?"}`})` };
  const why = noAnswer(repliesOf(stdout).get(key), `${u.name === u.address ? u.address : `${u.name} (${u.address})`} port ${u.port ?? "?"}`);
  return why === undefined ? undefined : { url, why: `${why} (dialled from ${host})` };
}

/** Why the agent's config cannot be read, as deploy.timeout says it. */
export const missingConfig = (h: HostView, bk: BkView): string | undefined =>
  contentOf(h.facts, bk.agent_config) === undefined ? `${bk.agent_config} is missing (this host's ${bk.generation} keeps the agent's config there)` : undefined;

export const agentController: Check = {
  id: "agent.controller",
  title: { en: "each agent host reaches its CONTROLLER_SERVER_URL", zh: "每台 agent 主机都能访问其 CONTROLLER_SERVER_URL" },
  symptom: {
    en: "paas_agent does not start (1305103 paasagent start failed, please make sure … has been enabled), or deploys never report back",
    zh: "paas_agent 无法启动 (1305103 paasagent start failed, please make sure … has been enabled), 或部署日志不回传",
  },
  fix: {
    en: "make the name in CONTROLLER_SERVER_URL resolve on the agent host (/etc/hosts or DNS; consul on 6.x) to PaaS's nginx, and let the host reach it (firewall, nginx listening), then restart the agent",
    zh: "让 agent 主机能解析 CONTROLLER_SERVER_URL 中的域名 (/etc/hosts 或 DNS; 6.x 为 consul) 并指向 PaaS 的 nginx, 且网络可达 (防火墙、nginx 监听), 然后重启 agent",
  },
  groups: ["appo", "appt"],
  probes: ({ host, bk }) => (bk ? [{ kind: "file", path: bk.agent_config }, { kind: "command", command: controllerCommand(host, bk) }] : []),
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      const r = h.facts.command(controllerCommand(h.host, bk));
      if (r.exitCode !== 0) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("ctl.couldNotDial", { why: r.stderr.trim() || `exit ${r.exitCode}` }) });
        continue;
      }
      const missing = missingConfig(h, bk) ?? (urlOf(r.stdout, KEY).url === undefined ? `${bk.agent_config}: no settings.${KEY}` : undefined);
      if (missing !== undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: missing });
        continue;
      }
      const u = unreachable(r.stdout, KEY, h.name);
      if (u === undefined) continue;
      out.push({
        outcome: u.unknown ? "unknown" : "fail",
        hosts: [h.name],
        message: `${KEY} ${u.url}: ${u.why}`,
        evidence: [`${h.name}: ${bk.agent_config}: ${KEY} = ${u.url}; the agent GETs ${u.url.replace(/\/+$/, "")}/v1/healthz when it starts`],
        fix: { text: agentController.fix },
      });
    }
    return out;
  },
};
