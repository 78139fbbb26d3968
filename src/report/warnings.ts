import type { RunReport } from "../engine/results.js";
import { warningText } from "../steps/warning.js";
import { stepLabel } from "./diffs.js";

export interface WarningGroup {
  /** The step's name (`handler x` for a handler). */
  step: string;
  message: string;
  hosts: string[];
}

/** Step warnings in run order; the same warning of the same step on several hosts is one group listing them. */
export function groupWarnings(report: RunReport): WarningGroup[] {
  const groups = new Map<string, WarningGroup>();
  for (const h of report.hosts) {
    for (const s of h.steps) {
      for (const m of s.messages) {
        const message = warningText(m);
        if (message === undefined) continue;
        const step = stepLabel(s);
        const g = groups.get(`${step}\0${message}`);
        if (!g) groups.set(`${step}\0${message}`, { step, message, hosts: [h.host] });
        else if (!g.hosts.includes(h.host)) g.hosts.push(h.host);
      }
    }
  }
  return [...groups.values()];
}
