import { appUser, mysqlFacts, mysqlProbes, type Grant } from "../mysql-read.js";
import { planCommand } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

const AGENT_GROUPS = ["appo", "appt"];

/** Does a MySQL host pattern (`%`, `_`, or `ip/netmask`) match an address? */
function hostMatches(pattern: string, address: string): boolean {
  const mask = /^([\d.]+)\/([\d.]+)$/.exec(pattern);
  if (mask) {
    const n = (ip: string): number => ip.split(".").reduce((a, b) => a * 256 + Number(b), 0);
    const [net = "", bits = ""] = [mask[1], mask[2]];
    return /^[\d.]+$/.test(address) && (n(address) & n(bits)) >>> 0 === (n(net) & n(bits)) >>> 0;
  }
  const re = new RegExp(`^${pattern.split("").map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i");
  return re.test(address);
}

/**
 * The account MySQL picks for `user` connecting from `address`: among the matching host patterns, a literal
 * host first, then the pattern with the most literal characters (so `10.0.0.%` before `%`), as the server sorts them.
 */
export function accountFor(user: string, address: string, grants: readonly Grant[]): string | undefined {
  const hosts = [...new Set(grants.filter((g) => g.user === user).map((g) => g.host))].filter((h) => hostMatches(h, address));
  const literal = (h: string): number => h.replace(/[%_]/g, "").length - (/[%_]/.test(h) ? 1000 : 0);
  return hosts.sort((a, b) => literal(b) - literal(a))[0];
}

/** Every privilege the account holds beyond USAGE (which is none), globally or on a database. */
export const privilegesOf = (user: string, host: string, grants: readonly Grant[]): Grant[] => grants.filter((g) => g.user === user && g.host === host && g.privilege !== "USAGE");

export const mysqlGrants: Check = {
  id: "mysql.grants",
  title: { en: "MySQL grants the app user to every agent host", zh: "MySQL 已为每台 agent 主机授权应用账号" },
  symptom: { en: "SaaS on the agent hosts fail with (1130) Host … is not allowed to connect, (1045) Access denied or (2003)", zh: "agent 主机上的 SaaS 报 (1130) Host … is not allowed to connect、(1045) Access denied 或 (2003)" },
  fix: {
    en: "fix-mysql-perms creates the app user for every agent address that lacks it and grants it (it asks for the password on a terminal, or takes BKPLAY_VAR_db_password)",
    zh: "fix-mysql-perms 会为缺少授权的每个 agent 地址创建应用账号并授权 (在终端询问密码, 或读取 BKPLAY_VAR_db_password)",
  },
  groups: ["mysql", "paas", ...AGENT_GROUPS],
  needsGeneration: false,
  wholeFleet: true,
  probes: ({ host }) => mysqlProbes(host),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const mysqls = hosts.filter((h) => h.host.groups.includes("mysql"));
    const agents = hosts.filter((h) => h.host.groups.some((g) => AGENT_GROUPS.includes(g)));
    if (mysqls.length === 0 || agents.length === 0) return out;
    const who = appUser(hosts);
    if (who === undefined) return [{ outcome: "unknown", hosts: mysqls.map((m) => m.name), message: t("grants.userUnknown") }];
    for (const m of mysqls) {
      const f = mysqlFacts(m);
      if ("problem" in f) {
        out.push({ outcome: "unknown", hosts: [m.name], message: f.problem });
        continue;
      }
      const lacking: { agent: HostView; why: string }[] = [];
      for (const a of agents) {
        const account = accountFor(who.user, a.host.address, f.grants);
        if (account === undefined) lacking.push({ agent: a, why: `no account ${who.user}@ matches ${a.host.address}` });
        else if (privilegesOf(who.user, account, f.grants).length === 0) lacking.push({ agent: a, why: `'${who.user}'@'${account}' (the account MySQL picks for ${a.host.address}) holds no privilege (USAGE only)` });
      }
      if (lacking.length === 0) continue;
      out.push({
        outcome: "fail",
        hosts: [m.name, ...lacking.map((l) => l.agent.name)],
        message: t("grants.lacking", { mysql: m.name, user: who.user, agents: lacking.map((l) => `${l.agent.name} (${l.agent.host.address})`).join(", ") }),
        evidence: [`app user ${who.user}: ${who.from}`, ...lacking.map((l) => `${m.name}: ${l.why}`)],
        fix: { playbook: "fix-mysql-perms", command: planCommand("fix-mysql-perms", inventory, { db_user: who.user, datadir: f.datadir }), text: mysqlGrants.fix },
      });
    }
    return out;
  },
};
