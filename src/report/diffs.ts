import { createTwoFilesPatch } from "diff";
import type { FileDiff, RunReport } from "../engine/results.js";
import { changedSecretKeys, type Redactor } from "./redact.js";

export interface DiffGroup {
  /** Paths on the hosts of the group (the same file may live under a different root per host). */
  paths: string[];
  /** Hunks only: identical hunks on several hosts are one group. */
  patch: string;
  hosts: string[];
}

/** A file's diff as a reviewer reads it: hunks only, secrets masked, and the secret values that differ named (both sides show ••••). */
export function reviewPatch(d: FileDiff, redact: Redactor): string {
  const hunks = redact(createTwoFilesPatch(d.path, d.path, d.before, d.after, "", "", { context: 3 }).split("\n").slice(4).join("\n"));
  const hidden = changedSecretKeys(d.before, d.after);
  return hidden.length === 0 ? hunks : `${hunks.trimEnd()}\n(secret values not shown; they differ: ${hidden.join(", ")})\n`;
}

/** Unified diffs per file; identical diffs on several hosts become one group listing the hosts. */
export function groupDiffs(report: RunReport, redact: Redactor): DiffGroup[] {
  const groups = new Map<string, DiffGroup>();
  for (const h of report.hosts) {
    for (const s of h.steps) {
      for (const d of s.diffs) {
        const patch = reviewPatch(d, redact);
        const key = `${s.name}\0${patch}`;
        const g = groups.get(key);
        if (g) {
          g.hosts.push(h.host);
          if (!g.paths.includes(d.path)) g.paths.push(d.path);
        } else groups.set(key, { paths: [d.path], patch, hosts: [h.host] });
      }
    }
  }
  return [...groups.values()];
}

/** "appo-01" or "48 hosts: appo-01 … appt-24". */
export function hostList(hosts: readonly string[]): string {
  if (hosts.length === 1) return hosts[0] ?? "";
  if (hosts.length <= 4) return hosts.join(", ");
  return `${hosts.length} hosts: ${hosts[0] ?? ""} … ${hosts.at(-1) ?? ""}`;
}
