import { contentOf, planCommand, pyEffective, yamlValue } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

const AGENT_GROUPS = ["appo", "appt"];
const isAgent = (h: HostView): boolean => h.host.groups.some((g) => AGENT_GROUPS.includes(g));
const isPaas = (h: HostView): boolean => h.host.groups.includes("paas");

/**
 * PaaS stops waiting for a deploy after EVENT_STATE_EXPIRE_SECONDS (conf/default.py ships 360; settings_production.py,
 * imported after it, overrides it); an agent lets the deploy run EXECUTE_TIME_LIMIT. PaaS must outlast every agent.
 */
export const deployTimeout: Check = {
  id: "deploy.timeout",
  title: { en: "PaaS waits longer for a deploy than every agent lets it run", zh: "PaaS 等待部署的时间长于每个 agent 的部署时限" },
  symptom: { en: "SaaS deploys fail with a timeout", zh: "SaaS 部署超时失败" },
  fix: {
    en: "raise-deploy-timeout sets the agents' EXECUTE_TIME_LIMIT and PaaS's EVENT_STATE_EXPIRE_SECONDS (agent_timeout + 60) together",
    zh: "raise-deploy-timeout 同时设置 agent 的 EXECUTE_TIME_LIMIT 与 PaaS 的 EVENT_STATE_EXPIRE_SECONDS (agent_timeout + 60)",
  },
  groups: ["paas", ...AGENT_GROUPS],
  probes: ({ host, bk }) => {
    if (!bk) return [];
    const paas = host.groups.includes("paas") ? [bk.paas_default, bk.paas_settings] : [];
    const agent = host.groups.some((g) => AGENT_GROUPS.includes(g)) ? [bk.agent_config] : [];
    return [...paas, ...agent].map((path) => ({ kind: "file", path }));
  },
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const agents: { host: string; limit: number }[] = [];
    const paas: { host: string; value: number; where: string }[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      if (isAgent(h)) {
        const text = contentOf(h.facts, bk.agent_config);
        const limit = text === undefined ? undefined : yamlValue(text, "settings.EXECUTE_TIME_LIMIT");
        if (text === undefined) out.push({ outcome: "unknown", hosts: [h.name], message: t("doc.missingAt", { path: bk.agent_config, generation: bk.generation, what: t("doc.what.agentConfig") }) });
        else if (typeof limit !== "number") out.push({ outcome: "unknown", hosts: [h.name], message: t("dt.limitIs", { file: bk.agent_config, what: limit === undefined ? t("doc.notSet") : t("doc.notANumber", { value: JSON.stringify(limit) }) }) });
        else agents.push({ host: h.name, limit });
      }
      if (isPaas(h)) {
        const files = [bk.paas_default, bk.paas_settings].map((p) => h.facts.file(p));
        const eff = pyEffective(files, "EVENT_STATE_EXPIRE_SECONDS");
        if (files.every((f) => !f.exists)) out.push({ outcome: "unknown", hosts: [h.name], message: t("dt.neither", { defaults: bk.paas_default, settings: bk.paas_settings, generation: bk.generation }) });
        else if (eff === undefined) out.push({ outcome: "unknown", hosts: [h.name], message: t("dt.setInNeither", { defaults: bk.paas_default, settings: bk.paas_settings }) });
        else if (typeof eff.value !== "number") out.push({ outcome: "unknown", hosts: [h.name], message: t("dt.expression", { where: `${eff.file}:${eff.line}`, value: eff.value }) });
        else paas.push({ host: h.name, value: eff.value, where: `${eff.file}:${eff.line}` });
      }
    }
    const longest = agents.reduce<{ host: string; limit: number } | undefined>((a, b) => (a === undefined || b.limit > a.limit ? b : a), undefined);
    if (longest === undefined) return out;
    const short = paas.filter((p) => p.value <= longest.limit);
    if (short.length === 0) return out;
    const longAgents = agents.filter((a) => a.limit >= Math.min(...short.map((s) => s.value))).map((a) => a.host);
    out.push({
      outcome: "fail",
      hosts: [...short.map((s) => s.host), ...longAgents],
      message: t("dt.tooShort", { values: [...new Set(short.map((s) => s.value))].join("/"), paas: short.map((s) => s.host).join(", "), limit: longest.limit, agent: longest.host }),
      evidence: [...short.map((s) => `${s.host}: EVENT_STATE_EXPIRE_SECONDS = ${s.value} (${s.where}, the last file that sets it)`), ...agents.map((a) => `${a.host}: EXECUTE_TIME_LIMIT = ${a.limit}`)],
      fix: { playbook: "raise-deploy-timeout", command: planCommand("raise-deploy-timeout", inventory, { agent_timeout: longest.limit }), text: deployTimeout.fix },
    });
    return out;
  },
};
