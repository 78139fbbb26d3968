import { InputError } from "../errors.js";
import { t as say } from "../i18n/t.js";

/** `--serial`: sizes like `2`, `25%`, or a list `1,25%,100%` (the last size repeats until every host is in a batch). */
export type SerialSpec = readonly ({ count: number } | { percent: number })[];

export function parseSerial(text: string): SerialSpec {
  return text.split(",").map((part) => {
    const t = part.trim();
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
    if (pct) {
      const percent = Number(pct[1]);
      if (percent > 0 && percent <= 100) return { percent };
    } else if (/^\d+$/.test(t) && Number(t) > 0) return { count: Number(t) };
    throw new InputError(say("engine.badSerial", { value: t }));
  });
}

/**
 * Split `hosts` into batches. A percentage is of all hosts, rounded down but at least 1 (Ansible's rule);
 * a size larger than what is left takes what is left.
 */
export function splitBatches<T>(hosts: readonly T[], spec: SerialSpec | undefined): T[][] {
  if (!spec || spec.length === 0 || hosts.length === 0) return hosts.length > 0 ? [[...hosts]] : [];
  const batches: T[][] = [];
  let at = 0;
  let i = 0;
  while (at < hosts.length) {
    const s = spec[Math.min(i, spec.length - 1)] ?? { count: hosts.length };
    const size = "count" in s ? s.count : Math.max(1, Math.floor((hosts.length * s.percent) / 100));
    batches.push(hosts.slice(at, at + size));
    at += size;
    i++;
  }
  return batches;
}

/**
 * `--max-fail-percentage P`: a batch stops the run when more than P percent of ITS hosts failed
 * (failed, unreachable or refused): failed / batch size × 100 > P. P = 0 (the default) stops on the first
 * failed host; P = 100 never stops. Only the batch's own hosts count, never earlier batches'.
 */
export function batchExceeds(failed: number, size: number, maxFailPercentage: number): boolean {
  return size > 0 && (failed / size) * 100 > maxFailPercentage;
}
