import { readAudit, type AuditEntry } from "./audit-log.js";
import { rollbacksOf } from "./rolled-back.js";

/**
 * The apply that already applied the plan of run `runId` (an apply keeps its plan's run id), from the audit
 * log; undefined when none did, or when a rollback of that run restored files since.
 */
export function appliedBy(logDir: string, runId: string): AuditEntry | undefined {
  const entries = readAudit(logDir);
  const applied = entries.findLastIndex((e) => e.command === "apply" && e.runId === runId && !e.check && e.exitCode === 0);
  if (applied < 0) return undefined;
  // A rollback that restored nothing (every file refused) leaves the plan applied.
  const rolledBack = rollbacksOf(entries.slice(applied + 1), runId).some((e) => e.runId === `${runId}-rollback` || e.hosts.some((h) => h.files.length > 0));
  return rolledBack ? undefined : entries[applied];
}
