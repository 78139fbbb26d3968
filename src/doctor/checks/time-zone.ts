import type { Check, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** The zone the host's commands run in: its UTC offset now, and its abbreviation. */
const ZONE = "date '+%z %Z'";

/**
 * Every host must run in one time zone (seed 000: 时区及时间一致(重要)): logs are indexed by the local date
 * (`paas_app_log-%Y.%m.%d`), and times read on one host are compared on another. The offset decides; zones
 * that differ in name but not in offset (Asia/Shanghai, Asia/Hong_Kong) agree.
 */
export const timeZone: Check = {
  id: "time.zone",
  title: { en: "every host runs in the same time zone", zh: "所有主机的时区一致" },
  symptom: { en: "no logs in the developer center for today, or times that disagree between hosts", zh: "开发者中心查不到今天的日志, 或各主机时间显示不一致" },
  fix: {
    en: "set the host's time zone to the one the others use (timedatectl set-timezone <zone>, or /etc/localtime), then restart the services that run on it",
    zh: "把该主机的时区设为与其他主机一致 (timedatectl set-timezone <时区>, 或 /etc/localtime), 然后重启其上的服务",
  },
  needsGeneration: false,
  wholeFleet: true,
  probes: () => [{ kind: "command", command: ZONE }],
  judge: ({ hosts }) => {
    const out: Verdict[] = [];
    const zones = new Map<string, { names: Set<string>; hosts: string[] }>();
    for (const h of hosts) {
      const r = h.facts.command(ZONE);
      const m = /^([+-]\d{4}) (\S+)$/.exec(r.stdout.trim());
      if (r.exitCode !== 0 || !m) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("zone.unreadable", { command: ZONE, why: r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}` }) });
        continue;
      }
      const [, offset = "", name = ""] = m;
      const z = zones.get(offset) ?? { names: new Set<string>(), hosts: [] };
      z.names.add(name);
      z.hosts.push(h.name);
      zones.set(offset, z);
    }
    if (zones.size < 2) return out;
    const ranked = [...zones].sort((a, b) => b[1].hosts.length - a[1].hosts.length);
    const [[offset, most] = ["", { names: new Set<string>(), hosts: [] }], ...others] = ranked;
    const label = (o: string, names: Set<string>): string => `${o} (${[...names].join("/")})`;
    for (const [o, z] of others) {
      out.push({
        outcome: "fail",
        hosts: z.hosts,
        message: t(z.hosts.length === 1 ? "zone.other.one" : "zone.other.many", { hosts: z.hosts.join(", "), zone: label(o, z.names), usual: label(offset, most.names) }),
        evidence: ranked.map(([x, y]) => `${y.hosts.join(", ")}: date +%z %Z = ${label(x, y.names)}`),
        fix: { text: timeZone.fix, steps: z.hosts.map((n) => `on ${n}: timedatectl set-timezone <the zone of ${most.hosts[0] ?? "the others"}>`) },
      });
    }
    return out;
  },
};
