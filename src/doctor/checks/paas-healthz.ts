import type { BkView } from "../../generations/host-layout.js";
import { placePath } from "../../generations/layouts.js";
import { HEALTHZ_PATHS, healthzModules, PAAS_PORTS, uwsgiIniOf, type HealthzModule } from "../../generations/paas-modules.js";
import { methodsFor } from "../../generations/services.js";
import type { Host } from "../../inventory/types.js";
import { makeRedactor } from "../../report/redact.js";
import { shellQuote as q } from "../../steps/shell-quote.js";
import { HTTP_PRELUDE, noAnswer, onlyOn, repliesOf, type HttpAnswer, type Reply } from "../http-probe.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** `paas_ports` in the inventory: a module's port (or `address:port`) where its generation keeps none in a file. */
export function inventoryAddress(host: Pick<Host, "vars">, module: HealthzModule): string | undefined {
  const given = host.vars.paas_ports;
  const v = typeof given === "object" && given !== null ? (given as Record<string, unknown>)[module] : undefined;
  if (typeof v === "number" && Number.isInteger(v) && v > 0 && v < 65536) return `127.0.0.1:${v}`;
  if (typeof v === "string" && /^[\w.-]+:\d{1,5}$/.test(v)) return v;
  return undefined;
}

/**
 * Each module's address: its uwsgi config's `http =` (bkce 5.x, 6.x), else `paas_ports` from the inventory, else
 * its default port on 127.0.0.1; then its healthz, from the host itself, all modules at once.
 */
function healthzCommand(host: Host, bk: BkView): string {
  const lines = healthzModules(bk.generation).map((m) => {
    const ini = uwsgiIniOf(bk.generation, m);
    const given = inventoryAddress(host, m);
    const fallback = given ?? `127.0.0.1:${PAAS_PORTS[m]}`;
    return `bk_module ${m} ${q(ini === null ? "" : placePath(ini, bk.root, bk.sysroot))} ${q(fallback)} ${given === undefined ? "default" : "inventory"} ${q(HEALTHZ_PATHS[m])}`;
  });
  return `${onlyOn(host, bk.generation)}
${HTTP_PRELUDE}
bk_module() {
  a=; from=$4
  if [ -n "$2" ] && [ -r "$2" ]; then
    a=$(sed -n 's/^[[:space:]]*http\\(-socket\\)\\{0,1\\}[[:space:]]*=[[:space:]]*\\([^[:space:];#]*\\).*/\\2/p' "$2" | head -n 1)
    [ -n "$a" ] && from=$2
  fi
  [ -n "$a" ] || a=$3
  h=\${a%:*}; p=\${a##*:}
  case "$h" in ""|0.0.0.0|"*"|"[::]"|::) h=127.0.0.1 ;; esac
  printf 'addr\\t%s\\t%s\\t%s:%s\\n' "$1" "$from" "$h" "$p"
  bk_get "$1" "$h" "$p" "$5" "$h:$p"
}
${lines.join("\n")}
wait`;
}

/** A verdict as the module's own JSON gives it; undefined when the body is not a module's healthz JSON. */
interface JsonVerdict {
  healthy: boolean;
  code?: string;
  message?: string;
  /** Weak dependencies reported in `data` (healthy, but degraded): key → what it says. */
  weak: [string, string][];
}

/** Both dialects: `ok` (paas2, esb, console) or `result` (paas-ce); the code as `code`, `code:` (sic) or `bk_error_code`. */
export function jsonVerdict(body: string): JsonVerdict | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const verdict = typeof o.ok === "boolean" ? o.ok : typeof o.result === "boolean" ? o.result : undefined;
  if (verdict === undefined) return undefined;
  const text = (x: unknown): string | undefined => (typeof x === "string" || typeof x === "number" ? String(x) : undefined);
  const code = text(o.code) ?? text(o["code:"]) ?? text(o.bk_error_code);
  const message = text(o.message) ?? text(o.bk_error_msg);
  const data = typeof o.data === "object" && o.data !== null ? (o.data as Record<string, unknown>) : {};
  const weak = Object.entries(data).flatMap(([k, x]): [string, string][] => (typeof x === "string" && x !== "ok" ? [[k, x]] : []));
  return { healthy: verdict, weak, ...(code === undefined ? {} : { code }), ...(message === undefined || message === "" ? {} : { message }) };
}

const redact = makeRedactor([]);
const clip = (s: string, n = 240): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const shown = (s: string): string => clip(redact(s.replace(/\s+/g, " ").trim()));

export type ModuleHealth = { outcome: "ok" } | { outcome: "warn" | "fail"; why: string; answered?: HttpAnswer };

/** Judge one module's answer by what it says, not by its status (only paas-ce's paas fails with a 500). */
export function moduleHealth(module: HealthzModule, where: string, reply: Reply | undefined): ModuleHealth {
  const silent = noAnswer(reply, where);
  if (silent !== undefined || reply?.kind !== "answered") return { outcome: "fail", why: silent ?? `${where} accepted a connection only` };
  const a = reply.answer;
  const v = jsonVerdict(a.body);
  if (v?.healthy === true) return v.weak.length === 0 ? { outcome: "ok" } : { outcome: "warn", why: t("hz.degraded", { what: v.weak.map(([k, x]) => `${k}: ${shown(x)}`).join("; ") }), answered: a };
  if (v !== undefined) return { outcome: "fail", why: `says it is not healthy${v.code === undefined ? "" : ` (${v.code})`}: ${shown(v.message ?? "no message")}`, answered: a };
  if (module === "paas" && a.status === 500 && !/<[a-z!]/i.test(a.body)) return { outcome: "fail", why: `says it is not healthy (HTTP 500): ${shown(a.body)}`, answered: a };
  return { outcome: "fail", why: `answered by something else, not ${module}'s healthz: HTTP ${a.status}${a.contentType === "" ? "" : ` ${a.contentType}`}: ${shown(a.body) || "(empty)"}`, answered: a };
}

/** How the host's generation restarts a module, as an operator types it. */
function restartLine(bk: BkView, module: HealthzModule): string | undefined {
  const m = methodsFor(bk.generation, module, bk.root, bk.sysroot)[0];
  switch (m?.kind) {
    case "systemd":
      return `systemctl restart ${m.unit}`;
    case "supervisor":
      return `supervisorctl -c ${q(m.conf)} restart ${m.program}`;
    case "script":
      return `${q(m.path)} restart ${module}`;
    default:
      return undefined;
  }
}

interface Probed {
  module: HealthzModule;
  from: string;
  address: string;
  health: ModuleHealth;
}

function probedOf(h: HostView, bk: BkView, stdout: string): Probed[] {
  const replies = repliesOf(stdout);
  const addrs = new Map(stdout.split("\n").filter((l) => l.startsWith("addr\t")).map((l) => {
    const [, m = "", from = "", address = ""] = l.split("\t");
    return [m, { from, address }];
  }));
  return healthzModules(bk.generation).map((module) => {
    const a = addrs.get(module) ?? { from: "?", address: "?" };
    return { module, ...a, health: moduleHealth(module, `${module} on ${h.name} (${a.address})`, replies.get(module)) };
  });
}

const fromText = (p: Probed): string => (p.from === "default" ? "its default port" : p.from === "inventory" ? "paas_ports in the inventory" : p.from);

export const paasHealthz: Check = {
  id: "paas.healthz",
  title: { en: "each open_paas module's healthz, called on the PaaS host itself, says healthy", zh: "在 PaaS 主机本机调用各 open_paas 模块的 healthz, 均返回健康" },
  symptom: { en: "502 or errors on PaaS pages, login or the API; deploys that never start", zh: "PaaS 页面、登录或 API 报 502/出错; 部署无法开始" },
  fix: {
    en: "the module's answer names what failed (its database, a setting, a host it calls): fix that; a module that does not answer is down: restart it and read its log (logs/open_paas)",
    zh: "模块返回的信息指明了失败项 (数据库、配置项、其依赖的服务): 先修复它; 无应答的模块已停止: 重启它并查看其日志 (logs/open_paas)",
  },
  groups: ["paas"],
  probes: ({ host, bk }) => (bk ? [{ kind: "command", command: healthzCommand(host, bk) }] : []),
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      const r = h.facts.command(healthzCommand(h.host, bk));
      if (r.exitCode !== 0) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("hz.couldNotCall", { why: r.stderr.trim() || `exit ${r.exitCode}` }) });
        continue;
      }
      for (const p of probedOf(h, bk, r.stdout)) {
        if (p.health.outcome === "ok") continue;
        const restart = restartLine(bk, p.module);
        const silent = p.health.answered === undefined;
        out.push({
          outcome: p.health.outcome,
          hosts: [h.name],
          message: t("hz.module", { module: p.module, address: p.address, from: fromText(p), why: p.health.why }),
          evidence: [`${h.name}: GET http://${p.address}${HEALTHZ_PATHS[p.module]}${p.health.answered ? ` → HTTP ${p.health.answered.status}: ${shown(p.health.answered.body)}` : ` → ${p.health.why}`}`],
          fix: { text: paasHealthz.fix, ...(silent && restart !== undefined ? { steps: [`on ${h.name}: ${restart}`] } : {}) },
        });
      }
    }
    return out;
  },
};
