import { createTwoFilesPatch } from "diff";
import type { FileDiff, RunReport, StepResult } from "../engine/results.js";
import { t } from "../i18n/t.js";
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
  return hidden.length === 0 ? hunks : `${hunks.trimEnd()}\n${t("diff.secretsDiffer", { keys: hidden.join(", ") })}\n`;
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
  return t("hosts.many", { count: hosts.length, first: hosts[0] ?? "", last: hosts.at(-1) ?? "" });
}

/** "same change on appo-01, appo-02" or "on appo-01". */
export const onHosts = (hosts: readonly string[]): string => (hosts.length > 1 ? t("diff.sameChangeOn", { hosts: hostList(hosts) }) : t("diff.on", { host: hosts[0] ?? "" }));

/** A step as people read it: its name, or `handler <name>`. */
export const stepLabel = (s: Pick<StepResult, "handler" | "name">): string => (s.handler ? t("recap.handler", { name: s.name }) : s.name);
