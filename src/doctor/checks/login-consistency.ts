import { createHash } from "node:crypto";
import { contentOf, planCommand, pyValues } from "../read.js";
import type { Check, HostView, Text, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Names whose values are never shown (only whether hosts agree). */
const SECRET_NAME = /key|token|pass|secret|pwd|sid|databases/i;
const hash = (s: string): string => createHash("sha256").update(s).digest("hex");

interface Side {
  hosts: string[];
  shown?: string;
}

/** The login settings, compared key by key across the PaaS hosts by hash: a key that differs is named, a secret's value never shown. */
export const loginConsistency: Check = {
  id: "login.consistency",
  title: { en: "login settings are the same on every PaaS host", zh: "各 PaaS 主机的 login 配置一致" },
  symptom: { en: "the login page loops, or bk_token is refused (参数bk_token非法) when requests reach another PaaS host", zh: "登录页循环跳转, 或请求落到另一台 PaaS 主机时提示 “参数bk_token非法”" },
  fix: {
    en: "make login's settings_production.py the same on every PaaS host (sync-login-settings, taking the version most hosts hold), which restarts login where it changed",
    zh: "使各 PaaS 主机的 login settings_production.py 一致 (sync-login-settings, 以多数主机的版本为准), 并在有改动的主机上重启 login",
  },
  groups: ["paas"],
  probes: ({ bk }) => (bk ? [{ kind: "file", path: bk.login_settings }] : []),
  judge: ({ hosts, inventory, groups }) => {
    const out: Verdict[] = [];
    const read: { view: HostView; values: ReturnType<typeof pyValues> }[] = [];
    for (const h of hosts) {
      if (!h.bk) continue;
      const text = contentOf(h.facts, h.bk.login_settings);
      if (text === undefined) out.push({ outcome: "unknown", hosts: [h.name], message: t("doc.missingAt", { path: h.bk.login_settings, generation: h.bk.generation, what: t("doc.what.loginSettings") }) });
      else read.push({ view: h, values: pyValues(text) });
    }
    if (read.length < 2) return out;
    const names = [...new Set(read.flatMap((r) => [...r.values.keys()]))].sort();
    const differing: { name: string; sides: Side[] }[] = [];
    for (const name of names) {
      const sides = new Map<string, Side>();
      for (const r of read) {
        const v = r.values.get(name);
        const key = v === undefined ? "(not set)" : hash(v.raw);
        const side = sides.get(key) ?? { hosts: [] };
        side.hosts.push(r.view.name);
        if (v === undefined) side.shown = "not set";
        else if (!SECRET_NAME.test(name) && !v.raw.includes("\n")) side.shown = v.raw;
        sides.set(key, side);
      }
      if (sides.size > 1) differing.push({ name, sides: [...sides.values()].sort((a, b) => b.hosts.length - a.hosts.length) });
    }
    if (differing.length === 0) return out;
    // The source: the settings most PaaS hosts hold; on a tie, the tied version the inventory names first.
    const versions = new Map<string, string[]>();
    for (const r of read) {
      const key = hash(JSON.stringify([...r.values].map(([k, v]) => [k, v.raw]).sort()));
      versions.set(key, [...(versions.get(key) ?? []), r.view.name]);
    }
    const [majority = [], runnerUp = []] = [...versions.values()].sort((a, b) => b.length - a.length);
    const source = majority[0] ?? "";
    const odd = read.map((r) => r.view.name).filter((h) => !majority.includes(h));
    const paas = hosts.map((h) => h.name);
    const others = (groups.paas ?? []).filter((h) => !paas.includes(h));
    const held = `${majority.length} of ${read.length}`;
    const why: Text = runnerUp.length === majority.length
      ? { en: `${held} PaaS hosts hold it and as many hold another; it comes first in the inventory`, zh: `${read.length} 台 PaaS 主机中 ${majority.length} 台使用它, 另有同样多的主机使用另一版本; 它在 inventory 中排在前面` }
      : { en: `the version most PaaS hosts hold (${held})`, zh: `多数 PaaS 主机使用的版本 (${read.length} 台中 ${majority.length} 台)` };
    out.push({
      outcome: "fail",
      hosts: [source, ...odd],
      message: t(odd.length === 1 ? "login.differ.one" : "login.differ.many", { keys: differing.map((d) => d.name).join(", "), odd: odd.join(", "), majority: majority.join(", ") }),
      evidence: differing.map((d) => `${d.name} differs — ${d.sides.map((s) => `${s.hosts.join(", ")}${s.shown === undefined ? "" : ` = ${s.shown}`}`).join("; ")}${SECRET_NAME.test(d.name) ? " (compared by hash; the value is not shown)" : ""}`),
      fix: {
        playbook: "sync-login-settings",
        // Another install's PaaS hosts (another generation) are left out: the playbook refuses to mix them.
        command: planCommand("sync-login-settings", inventory, { source }, others.length > 0 ? paas : undefined),
        text: {
          en: `make login's settings_production.py the same on every PaaS host, taking ${source}'s: ${why.en}; login restarts where the file changed`,
          zh: `使各 PaaS 主机的 login settings_production.py 一致, 以 ${source} 的为准: ${why.zh}; 文件有改动的主机会重启 login`,
        },
      },
    });
    return out;
  },
};
