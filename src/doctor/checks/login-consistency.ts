import { createHash } from "node:crypto";
import { contentOf, pyValues } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";

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
    en: "make login's settings_production.py the same on every PaaS host (copy it from the host named first), then restart login on the hosts that changed",
    zh: "使各 PaaS 主机的 login settings_production.py 一致 (从第一个列出的主机复制), 然后重启有改动主机上的 login",
  },
  groups: ["paas"],
  probes: ({ bk }) => (bk ? [{ kind: "file", path: bk.login_settings }] : []),
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    const read: { view: HostView; values: ReturnType<typeof pyValues> }[] = [];
    for (const h of hosts) {
      if (!h.bk) continue;
      const text = contentOf(h.facts, h.bk.login_settings);
      if (text === undefined) out.push({ outcome: "unknown", hosts: [h.name], message: `${h.bk.login_settings} is missing (this host's ${h.bk.generation} keeps login's settings there)` });
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
    const majority = differing[0]?.sides[0]?.hosts ?? [];
    const odd = [...new Set(differing.flatMap((d) => d.sides.slice(1).flatMap((s) => s.hosts)))];
    const path = read[0]?.view.bk?.login_settings ?? "";
    out.push({
      outcome: "fail",
      hosts: [...majority.slice(0, 1), ...odd],
      message: `login settings differ between PaaS hosts: ${differing.map((d) => d.name).join(", ")} (${odd.join(", ")} differ${odd.length === 1 ? "s" : ""} from ${majority.join(", ")})`,
      evidence: differing.map((d) => `${d.name} differs — ${d.sides.map((s) => `${s.hosts.join(", ")}${s.shown === undefined ? "" : ` = ${s.shown}`}`).join("; ")}${SECRET_NAME.test(d.name) ? " (compared by hash; the value is not shown)" : ""}`),
      fix: { text: loginConsistency.fix, steps: odd.map((h) => `copy ${majority[0] ?? "?"}:${path} to ${h}:${path}, then restart login on ${h}`) },
    });
    return out;
  },
};
