import type { AuditEntry } from "./audit-log.js";

/** The rollbacks of run `runId` in the log, oldest first (ids `<runId>-rollback` are those of older versions). */
export const rollbacksOf = (entries: readonly AuditEntry[], runId: string): AuditEntry[] =>
  entries.filter((e) => e.command === "rollback" && !e.check && (e.rollbackOf === runId || e.runId === `${runId}-rollback`));

/**
 * Which rollback of run `runId` put a host's file back (`run <id> at <time>`), from the files each one recorded as
 * restored; null when none did.
 */
export function restoredBy(entries: readonly AuditEntry[], runId: string): (host: string, path: string) => string | null {
  const rollbacks = rollbacksOf(entries, runId).reverse();
  return (host, path) => {
    const by = rollbacks.find((e) => e.hosts.some((h) => h.host === host && h.files.some((f) => f.path === path)));
    return by ? `run ${by.runId} at ${by.time}` : null;
  };
}
