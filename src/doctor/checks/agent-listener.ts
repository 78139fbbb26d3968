import { listenPorts, nginxListens, nginxStateCommand, parseNginxState } from "../../steps/nginx-state.js";
import { shellQuote as q } from "../../steps/shell-quote.js";
import { contentOf, planCommand } from "../read.js";
import type { Check, HostView, Text, Verdict } from "../types.js";
import { nginxConfOf } from "./domain-consistency.js";
import { t } from "../../i18n/t.js";

/** From the nginx host itself (nginx's own view): every upstream `server` of paas.conf dialled at once, 3 s each. */
function dialCommand(conf: string): string {
  return `c=${q(conf)}
[ -r "$c" ] || exit 0
command -v bash >/dev/null 2>&1 || { echo 'bash is not installed: cannot dial the upstreams' >&2; exit 3; }
command -v timeout >/dev/null 2>&1 || { echo 'timeout is not installed: cannot dial the upstreams' >&2; exit 3; }
sed -n 's/^[[:space:]]*server[[:space:]]\\{1,\\}\\([^[:space:];{]\\{1,\\}\\).*/\\1/p' "$c" | grep -v '^unix:' | sort -u | {
  while read -r hp; do
    h=\${hp%:*}; p=\${hp##*:}; [ "$h" = "$hp" ] && p=80
    ( if timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$h" "$p" 2>/dev/null; then echo "open $hp"; else echo "closed $hp"; fi ) &
  done
  wait
}`;
}

export interface SaasRoute {
  /** `/t/` or `/o/`. */
  prefix: string;
  upstream: string;
  servers: string[];
}

/** The upstreams the /t/ and /o/ locations proxy to, with their servers; a target built from variables (6.x) is left out. */
export function saasRoutes(conf: string): SaasRoute[] {
  const text = conf.replace(/#.*$/gm, "");
  const upstreams = new Map<string, string[]>();
  for (const m of text.matchAll(/\bupstream\s+(\S+)\s*\{([^}]*)\}/g)) {
    upstreams.set(m[1] ?? "", [...(m[2] ?? "").matchAll(/^\s*server\s+([^\s;]+)/gm)].map((s) => s[1] ?? ""));
  }
  const routes: SaasRoute[] = [];
  for (const m of text.matchAll(/\blocation\s+[^{]*?(\/[to]\/)[^{]*\{([^}]*)\}/g)) {
    const target = /\bproxy_pass\s+(?:https?:\/\/)?([^\s;/]+)/.exec(m[2] ?? "")?.[1];
    if (target === undefined || target.includes("$")) continue;
    routes.push({ prefix: m[1] ?? "", upstream: target, servers: upstreams.get(target) ?? [target] });
  }
  return routes;
}

const AGENT_GROUPS = ["appo", "appt"];
const isAgent = (h: HostView): boolean => h.host.groups.some((g) => AGENT_GROUPS.includes(g));

/** An agent host whose own nginx runs but does not listen on a port its paasagent.conf names (seed 000). */
interface Deaf {
  host: string;
  address: string;
  port: number;
  why: string;
}

function deafAgents(hosts: readonly HostView[]): Deaf[] {
  return hosts.filter(isAgent).flatMap((h) => {
    if (!h.bk) return [];
    const conf = contentOf(h.facts, h.bk.agent_nginx_conf);
    const r = h.facts.command(nginxStateCommand(h.bk.agent_nginx_pid));
    if (conf === undefined || r.exitCode !== 0) return [];
    const s = parseNginxState(h.bk.agent_nginx_pid, r.stdout);
    if (!s.running) return [];
    const path = h.bk.agent_nginx_conf;
    return listenPorts(conf).filter((port) => !nginxListens(s, port)).map((port) => ({ host: h.name, address: h.host.address, port, why: `${h.name}: nginx master ${s.pid ?? "?"} runs but does not listen on ${port} (${path})` }));
  });
}

const RELOAD_FIX: Text = {
  en: "the agent host's nginx runs but has not read its paasagent.conf: agent-nginx-listen reloads it the way the host runs it and waits for the port",
  zh: "agent 主机上的 nginx 在运行, 但未加载其 paasagent.conf: agent-nginx-listen 按该主机的方式 reload nginx 并等待端口监听",
};

export const agentListener: Check = {
  id: "agent.listener",
  title: { en: "the agents nginx proxies /t/ and /o/ to are listening", zh: "nginx 转发 /t/、/o/ 的 agent 端口在监听" },
  symptom: { en: "502 Bad Gateway when opening a SaaS (/t/… or /o/…)", zh: "打开 SaaS (/t/…、/o/…) 时 502 Bad Gateway" },
  fix: {
    en: "start the agent's nginx on that host (port 8010 by default), or point the upstream in paas.conf at the address it listens on, then reload nginx",
    zh: "在该主机上启动 paas_agent 的 nginx (默认端口 8010), 或把 paas.conf 中的 upstream 改为其实际监听地址, 然后 reload nginx",
  },
  // The agent hosts are read too: where one's own nginx runs without listening, the fix is agent-nginx-listen.
  groups: ["nginx", ...AGENT_GROUPS],
  probes: ({ host, bk }) => {
    if (!bk) return [];
    const conf = nginxConfOf(host, bk);
    const front = host.groups.includes("nginx") ? [{ kind: "file" as const, path: conf }, { kind: "command" as const, command: dialCommand(conf) }] : [];
    const agent = host.groups.some((g) => AGENT_GROUPS.includes(g)) ? [{ kind: "file" as const, path: bk.agent_nginx_conf }, { kind: "command" as const, command: nginxStateCommand(bk.agent_nginx_pid) }] : [];
    return [...front, ...agent];
  },
  judge: ({ hosts, groups, inventory }) => {
    const out: Verdict[] = [];
    const agents = [...new Set([...(groups.appo ?? []), ...(groups.appt ?? [])])];
    const deaf = deafAgents(hosts);
    for (const h of hosts) {
      if (!h.bk || !h.host.groups.includes("nginx")) continue;
      const path = nginxConfOf(h.host, h.bk);
      const conf = contentOf(h.facts, path);
      if (conf === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("doc.missingAt", { path, generation: h.bk.generation, what: t("doc.what.nginxConf") }) });
        continue;
      }
      const dial = h.facts.command(dialCommand(path));
      if (dial.exitCode !== 0) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("listener.couldNotDial", { why: dial.stderr.trim() || `exit ${dial.exitCode}` }) });
        continue;
      }
      const closed = new Set(dial.stdout.split("\n").filter((l) => l.startsWith("closed ")).map((l) => l.slice("closed ".length)));
      const dead = saasRoutes(conf).flatMap((r) => r.servers.filter((s) => closed.has(s)).map((s) => ({ ...r, server: s })));
      if (dead.length === 0) continue;
      const reload = deaf.filter((a) => dead.some((d) => d.server === `${a.address}:${a.port}`));
      const names = [...new Set(reload.map((a) => a.host))];
      out.push({
        outcome: "fail",
        hosts: [h.name],
        message: dead.map((d) => t("listener.dead", { prefix: d.prefix, upstream: d.upstream, server: d.server, host: h.name })).join("; "),
        evidence: [
          ...dead.map((d) => `${h.name}: ${path}: location ${d.prefix} proxies to ${d.upstream} = ${d.server}; a TCP connect from ${h.name} was refused or timed out (3 s)${agents.length > 0 ? `; agent hosts: ${agents.join(", ")}` : ""}`),
          ...reload.map((a) => a.why),
        ],
        fix: names.length > 0 ? { playbook: "agent-nginx-listen", command: planCommand("agent-nginx-listen", inventory, {}, names), text: RELOAD_FIX } : { text: agentListener.fix },
      });
    }
    return out;
  },
};
