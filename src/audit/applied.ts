import { readAudit, type AuditEntry } from "./audit-log.js";

/**
 * The apply that already applied the plan of run `runId` (an apply keeps its plan's run id), from the audit
 * log; undefined when none did, or when that run was rolled back since.
 */
export function appliedBy(logDir: string, runId: string): AuditEntry | undefined {
  const entries = readAudit(logDir);
  const applied = entries.findLastIndex((e) => e.command === "apply" && e.runId === runId && !e.check && e.exitCode === 0);
  if (applied < 0) return undefined;
  const rolledBack = entries.slice(applied + 1).some((e) => e.command === "rollback" && e.runId === `${runId}-rollback`);
  return rolledBack ? undefined : entries[applied];
}
