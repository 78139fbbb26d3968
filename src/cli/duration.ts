import { InvalidArgumentError } from "commander";
import { t } from "../i18n/t.js";

const UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** `8h`, `30m`, `1h30m`, `2d`, `90s` in milliseconds (a usage error otherwise). */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.trim().matchAll(/(\d+)([dhms])/g)];
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2] as keyof typeof UNITS], 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim() || ms <= 0) throw new InvalidArgumentError(t("dur.bad", { flag, text }));
  return ms;
}
