import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** login checks bk_token's time against its own clock with BK_TOKEN_OFFSET_ERROR_TIME = 60 s. */
export const MAX_SKEW_MS = 60_000;

/** The host's clock in nanoseconds (GNU date), else in seconds. */
const CLOCK = "date +%s%N 2>/dev/null | grep -x '[0-9]\\{19,\\}' || date +%s";

/**
 * How far the host's clock is from the controller's: the host read it between `before` and `after` (the round trip),
 * so the skew is at least its distance from that window; the window's width is the error bound.
 */
export function skewOf(h: Pick<HostView, "bracket">, output: string): { skewMs: number; boundMs: number } | undefined {
  const digits = output.trim();
  if (!/^\d+$/.test(digits)) return undefined;
  const ns = digits.length >= 19;
  const hostMs = ns ? Number(BigInt(digits) / 1_000_000n) : Number(digits) * 1000;
  const { before, after } = h.bracket;
  // Whole seconds: the host's reading may lie up to a second below the true time.
  const low = hostMs;
  const high = ns ? hostMs : hostMs + 1000;
  const skewMs = high < before ? high - before : low > after ? low - after : 0;
  return { skewMs, boundMs: after - before + (ns ? 0 : 1000) };
}

const seconds = (ms: number): string => `${(Math.abs(ms) / 1000).toFixed(1)} s`;

export const timeSkew: Check = {
  id: "time.skew",
  title: { en: "every host's clock is within 60 s of the controller's and of the other hosts'", zh: "每台主机的时钟与控制机及其他主机相差不超过 60 秒" },
  symptom: { en: "login loops with 登录态有效期不合法 (Login validity is illegal) or 登录态已过期", zh: "登录循环, 提示 “登录态有效期不合法” 或 “登录态已过期”" },
  fix: {
    en: "synchronise the host's clock (chronyd or ntpd against the site's NTP server, or `chronyc makestep` once), then log in again",
    zh: "同步该主机的时钟 (chronyd/ntpd 指向本地 NTP 服务器, 或执行一次 `chronyc makestep`), 然后重新登录",
  },
  needsGeneration: false,
  probes: () => [{ kind: "command", command: CLOCK }],
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    const within: { name: string; skewMs: number }[] = [];
    for (const h of hosts) {
      const r = h.facts.command(CLOCK);
      const s = r.exitCode === 0 ? skewOf(h, r.stdout) : undefined;
      if (s === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("clock.unreadable", { why: r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}` }) });
        continue;
      }
      if (Math.abs(s.skewMs) <= MAX_SKEW_MS) {
        within.push({ name: h.name, skewMs: s.skewMs });
        continue;
      }
      out.push({
        outcome: "fail",
        hosts: [h.name],
        message: t(s.skewMs > 0 ? "clock.ahead" : "clock.behind", { skew: seconds(s.skewMs), bound: seconds(s.boundMs) }),
        evidence: [`${h.name}: host clock ${r.stdout.trim()}, controller ${new Date(h.bracket.before).toISOString()} … ${new Date(h.bracket.after).toISOString()}`],
        fix: { text: timeSkew.fix, steps: [`on ${h.name}: chronyc makestep (or: ntpdate <your NTP server>)`] },
      });
    }
    // Each within 60 s of the controller, yet apart by more: a token made on one is refused by the other.
    const sorted = [...within].sort((a, b) => a.skewMs - b.skewMs);
    const [low, high] = [sorted[0], sorted.at(-1)];
    if (low && high && high.skewMs - low.skewMs > MAX_SKEW_MS) {
      out.push({
        outcome: "fail",
        hosts: [low.name, high.name],
        message: t("clock.apart", { apart: seconds(high.skewMs - low.skewMs), high: high.name, ahead: seconds(high.skewMs), low: low.name, behind: seconds(low.skewMs) }),
        fix: { text: timeSkew.fix, steps: [low.name, high.name].map((n) => `on ${n}: chronyc makestep (or: ntpdate <your NTP server>)`) },
      });
    }
    return out;
  },
};
