import { agentSettings, CE7_ZK_NODEPORT, isPlaceholderZk } from "../../generations/gse-agent.js";
import { agreed, contentOf, planCommand } from "../read.js";
import type { Check, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Left for the operator when no node has a real zookeeper to copy: the playbook refuses it as it is. */
const UNKNOWN_ZK = `NODE_IP:${CE7_ZK_NODEPORT}`;

/**
 * bkce 7.x node-man renders agent.conf's zkhost from its GSE environment; left unset, that is `bk-zookeeper:2181`, a
 * Kubernetes service name no node outside the cluster resolves: the agent logs ZOO_ERROR getaddrinfo and never
 * connects (seed 003). An agent 2.0 (gse_agent.conf only) keeps no zookeeper in its config.
 */
export const gseZkhost: Check = {
  id: "gse.zkhost",
  title: { en: "the GSE agent's zookeeper is a real address, not node-man's bk-zookeeper:2181", zh: "GSE agent 的 zkhost 是真实地址, 而不是节点管理默认的 bk-zookeeper:2181" },
  symptom: {
    en: 'node-man\'s agent install ends with "agent is not connect to gse server"; agent-err.log: ZOO_ERROR getaddrinfo',
    zh: "节点管理安装 agent 报 “agent is not connect to gse server”, agent-err.log 中有 ZOO_ERROR getaddrinfo",
  },
  fix: {
    en: `gse-agent-zkhost sets zkhost to zookeeper's address, any k8s node IP on the NodePort ${CE7_ZK_NODEPORT} (kubectl get nodes -o wide lists them; replace NODE_IP when the command has it), and restarts the agent; set the same in node-man's GSE environment (全局配置 → gse 环境管理) so new installs get it`,
    zh: `gse-agent-zkhost 把 zkhost 改为 zookeeper 的地址: 任意 k8s node IP 加 NodePort ${CE7_ZK_NODEPORT} (kubectl get nodes -o wide 可查; 命令中有 NODE_IP 时请替换), 并重启 agent; 同时在节点管理 “全局配置 → gse 环境管理” 中填写相同地址, 以后安装的 agent 才会正确`,
  },
  generations: ["ce7"],
  probes: ({ node }) => (node ? [{ kind: "file", path: node.gse_agent_conf }, { kind: "stat", path: node.gse_agent2_conf }] : []),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const placeholder: { host: string; evidence: string }[] = [];
    const real: string[] = [];
    for (const h of hosts) {
      if (!h.node) continue;
      const path = h.node.gse_agent_conf;
      const text = contentOf(h.facts, path);
      if (text === undefined) {
        if (!h.facts.stat(h.node.gse_agent2_conf).exists) out.push({ outcome: "unknown", hosts: [h.name], message: t("gse.missing", { path }) });
        continue;
      }
      const settings = agentSettings(text);
      if (settings === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("gse.notJson", { path }) });
        continue;
      }
      const zk = settings.zkhost;
      // No zkhost: the agent connects to the servers its config lists, not through zookeeper.
      if (typeof zk !== "string") continue;
      if (isPlaceholderZk(zk)) placeholder.push({ host: h.name, evidence: `${h.name}: ${path}: "zkhost": ${JSON.stringify(zk)}` });
      else real.push(zk);
    }
    if (placeholder.length === 0) return out;
    const bad = placeholder.map((p) => p.host);
    const zkhost = agreed(real) ?? UNKNOWN_ZK;
    out.push({
      outcome: "fail",
      hosts: bad,
      message: `${t("gse.placeholder", { hosts: bad.join(", ") })}${zkhost === UNKNOWN_ZK ? "" : t("gse.othersUse", { zkhost })}`,
      evidence: placeholder.map((p) => p.evidence),
      fix: { playbook: "gse-agent-zkhost", command: planCommand("gse-agent-zkhost", inventory, { zkhost }, bad), text: gseZkhost.fix },
    });
    return out;
  },
};
