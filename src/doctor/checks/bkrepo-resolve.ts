import { lookedUp, lookup } from "../../steps/hosts-entry.js";
import { agreed, planCommand } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Left for the operator when no node resolves the name: the playbook refuses it as it is. */
const UNKNOWN_IP = "INGRESS_IP";

/** bkrepo's name on a host: bkrepo.<bk_domain> (the inventory's BK_DOMAIN); undefined when the inventory does not say it. */
const bkrepoOf = (h: Pick<HostView, "host">): string | undefined => {
  const d = h.host.vars.bk_domain;
  return typeof d === "string" && d !== "" ? `bkrepo.${d}` : undefined;
};

/**
 * node-man downloads setup_agent.sh from bkrepo.<BK_DOMAIN> with curl: a node that cannot resolve the name fails with
 * curl (6) "Could not resolve host" (seed 003). Asked as curl asks, through getaddrinfo: getent ahosts.
 */
export const bkrepoResolve: Check = {
  id: "bkrepo.resolve",
  title: { en: "every node resolves bkrepo.<bk_domain>", zh: "每个节点都能解析 bkrepo.<bk_domain>" },
  symptom: {
    en: 'node-man\'s agent install fails: curl: (6) Could not resolve host: bkrepo.…',
    zh: "节点管理安装 agent 失败: curl: (6) Could not resolve host: bkrepo.…",
  },
  fix: {
    en: "bkrepo-hosts maps bkrepo.<bk_domain> in the node's /etc/hosts to the ingress (the ingress-nginx node's IP: kubectl get pods -A -l app.kubernetes.io/name=ingress-nginx -o jsonpath='{.items[0].status.hostIP}'; replace INGRESS_IP when the command has it); then retry the node-man task. Or have node-man download by IP (http://<node IP>:30025/ in its GSE environment)",
    zh: "bkrepo-hosts 在节点的 /etc/hosts 中把 bkrepo.<bk_domain> 指向 ingress (ingress-nginx 所在 node 的 IP: kubectl get pods -A -l app.kubernetes.io/name=ingress-nginx -o jsonpath='{.items[0].status.hostIP}'; 命令中有 INGRESS_IP 时请替换), 然后重试节点管理任务。或让节点管理用 IP 下载 (gse 环境管理中改为 http://<node IP>:30025/)",
  },
  generations: ["ce7"],
  probes: ({ host }) => {
    const name = bkrepoOf({ host });
    return name === undefined ? [] : [{ kind: "command", command: lookup(name) }];
  },
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const unnamed = hosts.filter((h) => bkrepoOf(h) === undefined).map((h) => h.name);
    if (unnamed.length > 0) out.push({ outcome: "unknown", hosts: unnamed, message: t("bkrepo.noDomain") });
    const byName = new Map<string, { missing: string[]; answers: string[] }>();
    for (const h of hosts) {
      const name = bkrepoOf(h);
      if (name === undefined) continue;
      const r = h.facts.command(lookup(name));
      const seen = byName.get(name) ?? { missing: [], answers: [] };
      byName.set(name, seen);
      if (r.exitCode === 0) seen.answers.push(...lookedUp(r.stdout));
      else if (r.exitCode === 2) seen.missing.push(h.name);
      else out.push({ outcome: "unknown", hosts: [h.name], message: t("bkrepo.cannotAsk", { command: lookup(name), why: r.stderr.trim() || `exit ${r.exitCode}` }) });
    }
    for (const [name, { missing, answers }] of byName) {
      if (missing.length === 0) continue;
      const ip = agreed(answers) ?? UNKNOWN_IP;
      out.push({
        outcome: "fail",
        hosts: missing,
        message: `${t("bkrepo.unresolved", { name, hosts: missing.join(", ") })}${ip === UNKNOWN_IP ? "" : t("bkrepo.othersResolve", { ip })}`,
        evidence: missing.map((m) => t("bkrepo.evidence", { host: m, command: lookup(name) })),
        fix: { playbook: "bkrepo-hosts", command: planCommand("bkrepo-hosts", inventory, { bk_domain: name.slice("bkrepo.".length), ip }, missing), text: bkrepoResolve.fix },
      });
    }
    return out;
  },
};
