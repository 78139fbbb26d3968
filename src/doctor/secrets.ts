import type { Facts, Probe } from "../steps/types.js";
import { MIN_SECRET_LENGTH } from "../report/redact.js";

/** `KEY = 'v'`, `'PASSWORD': 'v'`, `token: v`: the value of a secret-looking key, in Python or YAML. */
const SECRET_VALUE = /(?:^|[\s{,"'])["']?[\w.-]*(?:key|token|password|passwd|secret|pwd|sid|zkauth)[\w.-]*["']?\s*[:=]\s*(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'",}#]+))/gim;

/**
 * Every secret-looking value in the files the probe read: the report is masked with them, whatever a check put in
 * it (a check never shows one on purpose; this holds if one ever does).
 */
export function secretsIn(facts: Facts, probes: readonly Probe[]): string[] {
  const out = new Set<string>();
  for (const p of probes) {
    if (p.kind !== "file") continue;
    const text = facts.file(p.path).content;
    if (text === undefined) continue;
    for (const m of text.matchAll(SECRET_VALUE)) {
      const v = m[1] ?? m[2] ?? m[3] ?? "";
      if (v.length >= MIN_SECRET_LENGTH && !/^\d+$/.test(v) && !v.startsWith("/")) out.add(v);
    }
  }
  return [...out];
}
