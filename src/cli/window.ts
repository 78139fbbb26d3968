import { InputError } from "../errors.js";
import { t } from "../i18n/t.js";

export interface ChangeWindow {
  startMin: number;
  endMin: number;
  tz: string;
  text: string;
}

/** `--window 02:00-04:00` (may cross midnight, e.g. 23:00-01:30) in `--tz` (default: the controller's zone). */
export function parseWindow(text: string, tz: string | undefined): ChangeWindow {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  const mins = m ? [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])] : [];
  const [startMin, endMin] = mins;
  if (startMin === undefined || endMin === undefined || mins.some((x) => x >= 24 * 60) || startMin === endMin) {
    throw new InputError(t("cli.badWindow", { text }));
  }
  const zone = tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
  } catch {
    throw new InputError(t("cli.badZone", { zone }));
  }
  return { startMin, endMin, tz: zone, text: `${text} ${zone}` };
}

function minuteOfDay(at: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get("hour") * 60 + get("minute") + at.getSeconds() / 60;
}

/** Minutes left in the window at `at`, or null when `at` is outside it. */
export function minutesLeft(w: ChangeWindow, at: Date): number | null {
  const m = minuteOfDay(at, w.tz);
  const length = (w.endMin - w.startMin + 1440) % 1440;
  const into = (m - w.startMin + 1440) % 1440;
  return into < length ? length - into : null;
}
