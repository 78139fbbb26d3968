import type { BkView } from "../../generations/host-layout.js";
import type { Host } from "../../inventory/types.js";
import { isInternalHost, splitAddress } from "../../steps/domain-names.js";
import { contentOf, planCommand, pyValues, yamlValue } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";
import type { MessageKey } from "../../i18n/catalogue/index.js";

const AGENT_GROUPS = ["appo", "appt"];

/** The nginx paas.conf of a host: the inventory's `nginx_conf`, else where its generation keeps it (the seeds' nginx: its default prefix). */
export function nginxConfOf(host: Host, bk: BkView): string {
  const given = host.vars.nginx_conf;
  if (typeof given === "string" && given !== "") return given;
  return bk.nginx_paas_conf ?? `${bk.sysroot}/usr/local/nginx/conf/paas.conf`;
}

/** Every name of every `server_name` directive (comments dropped). */
export function serverNames(conf: string): string[] {
  const text = conf.replace(/#.*$/gm, "");
  return [...text.matchAll(/\bserver_name\s+([^;]+);/g)].flatMap((m) => (m[1] ?? "").trim().split(/\s+/));
}

const hostOf = (value: string): string | undefined => splitAddress(value.trim())?.host.toLowerCase();

/** A cookie for `cookie` reaches `domain` (a leading dot: the domain or any name below it). */
const cookieCovers = (cookie: string, domain: string): boolean => {
  const c = cookie.toLowerCase().replace(/^\./, "");
  return domain === c || domain.endsWith(`.${c}`);
};

interface Place {
  host: string;
  where: string;
  value: string;
}

export const domainConsistency: Check = {
  id: "domain.consistency",
  title: { en: "every place that names the public PaaS domain agrees", zh: "所有写明 PaaS 公网域名的地方一致" },
  symptom: { en: "login loops or 404/502 after a domain change; agents cannot reach PaaS", zh: "变更域名后登录循环或 404/502; agent 连不上 PaaS" },
  fix: {
    en: "change-domain rewrites the old domain wherever a value names it (PAAS_DOMAIN, cookie domain, nginx server_name, the agents' CONTROLLER_SERVER_URL); on bkce 6.x use bk-install's bin/change_bk_domain.sh",
    zh: "change-domain 会把各处写的旧域名改为新域名 (PAAS_DOMAIN、cookie 域、nginx server_name、agent 的 CONTROLLER_SERVER_URL); bkce 6.x 请用 bk-install 的 bin/change_bk_domain.sh",
  },
  groups: ["paas", "nginx", ...AGENT_GROUPS],
  probes: ({ host, bk }) => {
    if (!bk) return [];
    const paths = [
      ...(host.groups.includes("paas") ? [bk.paas_settings, bk.login_settings] : []),
      ...(host.groups.includes("nginx") ? [nginxConfOf(host, bk)] : []),
      ...(host.groups.some((g) => AGENT_GROUPS.includes(g)) ? [bk.agent_config] : []),
    ];
    return paths.map((path) => ({ kind: "file", path }));
  },
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const missing = (h: HostView, path: string, what: MessageKey): void => {
      out.push({ outcome: "unknown", hosts: [h.name], message: t("doc.missingAt", { path, generation: h.bk?.generation ?? "?", what: t(what) }) });
    };
    const domains: Place[] = [];
    const cookies: Place[] = [];
    const nginx: { host: string; where: string; names: string[] }[] = [];
    const agents: Place[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      if (h.host.groups.includes("paas")) {
        const paas = contentOf(h.facts, bk.paas_settings);
        if (paas === undefined) missing(h, bk.paas_settings, "doc.what.paasSettings");
        else {
          const v = pyValues(paas);
          const d = v.get("PAAS_DOMAIN");
          if (typeof d?.value === "string") domains.push({ host: h.name, where: `${bk.paas_settings}:${d.line}`, value: d.value });
          const c = v.get("BK_COOKIE_DOMAIN");
          if (typeof c?.value === "string") cookies.push({ host: h.name, where: `${bk.paas_settings}:${c.line}`, value: c.value });
        }
        const login = contentOf(h.facts, bk.login_settings);
        const c = login === undefined ? undefined : pyValues(login).get("BK_COOKIE_DOMAIN");
        if (typeof c?.value === "string") cookies.push({ host: h.name, where: `${bk.login_settings}:${c.line}`, value: c.value });
      }
      if (h.host.groups.includes("nginx")) {
        const path = nginxConfOf(h.host, bk);
        const conf = contentOf(h.facts, path);
        if (conf === undefined) missing(h, path, "doc.what.nginxConf");
        else nginx.push({ host: h.name, where: path, names: serverNames(conf).map((n) => n.toLowerCase()) });
      }
      if (h.host.groups.some((g) => AGENT_GROUPS.includes(g))) {
        const yaml = contentOf(h.facts, bk.agent_config);
        const url = yaml === undefined ? undefined : yamlValue(yaml, "settings.CONTROLLER_SERVER_URL");
        if (yaml === undefined) missing(h, bk.agent_config, "doc.what.agentConfig");
        else if (typeof url === "string") agents.push({ host: h.name, where: bk.agent_config, value: url });
      }
    }
    const counted = new Map<string, number>();
    for (const d of domains) {
      const host = hostOf(d.value);
      if (host !== undefined) counted.set(host, (counted.get(host) ?? 0) + 1);
    }
    const domain = [...counted].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (domain === undefined) return out;
    const wrong: (Place & { what: string; odd?: string | undefined })[] = [];
    for (const d of domains) if (hostOf(d.value) !== domain) wrong.push({ ...d, what: "PAAS_DOMAIN", odd: hostOf(d.value) });
    for (const c of cookies) if (!cookieCovers(c.value, domain)) wrong.push({ ...c, what: "BK_COOKIE_DOMAIN" });
    for (const n of nginx) {
      if (n.names.includes(domain)) continue;
      const publicNames = n.names.filter((x) => x !== "_" && !isInternalHost(x));
      wrong.push({ host: n.host, where: n.where, value: n.names.join(" ") || "(none)", what: "server_name", ...(publicNames.length === 1 ? { odd: publicNames[0] } : {}) });
    }
    for (const a of agents) {
      const host = hostOf(a.value);
      if (host === undefined || isInternalHost(host) || host === domain) continue;
      wrong.push({ ...a, what: "CONTROLLER_SERVER_URL", odd: host });
    }
    if (wrong.length === 0) return out;
    const odds = [...new Set(wrong.flatMap((w) => (w.odd === undefined ? [] : [w.odd])))];
    const ce6 = hosts.some((h) => h.generation === "ce6");
    const vars: Record<string, string> = { new_domain: domain };
    if (odds.length === 1 && odds[0] !== undefined) vars.old_domain = odds[0];
    out.push({
      outcome: "fail",
      hosts: [...new Set(wrong.map((w) => w.host))],
      message: t("dc.serves", { domain, wrong: wrong.map((w) => t("dc.says", { what: w.what, host: w.host, value: w.value })).join("; ") }),
      evidence: wrong.map((w) => `${w.host}: ${w.where}: ${w.what} = ${w.value}`),
      fix: ce6
        ? { text: domainConsistency.fix, steps: [`on the bk-install controller: ./bin/change_bk_domain.sh ${domain} (bkce 6.x renders these files; change-domain refuses it)`] }
        : { playbook: "change-domain", command: planCommand("change-domain", inventory, vars), text: domainConsistency.fix },
    });
    return out;
  },
};
