import { InputError } from "../errors.js";
import type { AuditEntry } from "./audit-log.js";
import { t } from "../i18n/t.js";

/** A run a rollback can undo: it applied, and changed at least one file. */
const changedFiles = (e: AuditEntry): boolean => e.command !== "rollback" && !e.check && e.hosts.some((h) => h.files.length > 0);

/** `20260522T101500-ab12cd  2026-05-22T10:15:00Z  change-domain  ops@jump`: a run as a list of candidates shows it. */
const describe = (e: AuditEntry): string => `  ${e.runId}  ${e.time}  ${e.check ? t("audit.check") : e.command}  ${e.playbook.name}  ${e.user}`;

/**
 * The run `id` names, by its whole id or a prefix of it, among those that changed files. A prefix of several such
 * runs is refused (bad input) listing them; an id of no run is refused with the closest ids the log has.
 */
export function findRun(entries: readonly AuditEntry[], id: string): AuditEntry {
  const own = entries.filter((e) => e.command !== "rollback");
  // A plan and its apply share a run id: the apply is the one that changed files.
  const exact = own.filter((e) => e.runId === id);
  const matching = exact.length > 0 ? exact : own.filter((e) => e.runId.startsWith(id));
  if (matching.length === 0) {
    const near = closestRuns(own, id);
    throw new InputError(t("audit.noRun", { id, near: near.length > 0 ? t("audit.closest", { list: near.map(describe).join("\n") }) : t("audit.empty") }));
  }
  const runs = latestPerRun(matching.filter(changedFiles));
  if (runs.length > 1) {
    throw new InputError(t("audit.ambiguous", { id, count: runs.length, list: runs.map(describe).join("\n") }));
  }
  const [run] = runs;
  if (!run) throw new InputError(t("audit.changedNothing", { ids: latestPerRun(matching).map((e) => e.runId).join("', '") }));
  return run;
}

/** The last entry of each run id, in the log's order. */
function latestPerRun(entries: readonly AuditEntry[]): AuditEntry[] {
  const last = new Map<string, AuditEntry>();
  for (const e of entries) {
    last.delete(e.runId);
    last.set(e.runId, e);
  }
  return [...last.values()];
}

/** Up to three runs whose ids are nearest `id`: the longest shared beginning first, then the fewest edits. */
function closestRuns(entries: readonly AuditEntry[], id: string): AuditEntry[] {
  const shared = (s: string): number => {
    let n = 0;
    while (n < s.length && n < id.length && s[n] === id[n]) n++;
    return n;
  };
  const ranked = latestPerRun(entries).map((e) => ({ e, shared: shared(e.runId), edits: distance(id, e.runId.slice(0, Math.max(id.length, 1))) }));
  ranked.sort((a, b) => b.shared - a.shared || a.edits - b.edits);
  return ranked.slice(0, 3).map((r) => r.e);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
