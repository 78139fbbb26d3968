import type { RunReport } from "../engine/results.js";
import { auditEntry, type AuditEntry, type SkippedFile } from "./audit-log.js";

/**
 * A rollback's line in the audit log, from its report: the files it restored (`files`), those it left and why
 * (`skipped`), the handlers it ran with their exit codes, each host's outcome, and the run it undid.
 */
export function rollbackAuditEntry(report: RunReport, of: AuditEntry, exitCode: number): AuditEntry {
  const entry = auditEntry(report, { command: "rollback", playbookFile: of.playbook.file, inventory: of.inventory, ...(of.limit ? { limit: of.limit } : {}), vars: of.vars, backupRoot: of.backupRoot, exitCode, redact: (s) => s });
  entry.rollbackOf = of.runId;
  for (const [i, h] of report.hosts.entries()) {
    const line = entry.hosts[i];
    if (!line) continue;
    const skipped: SkippedFile[] = h.steps.filter((s) => s.type === "restore" && (s.status === "not-run" || s.status === "ok")).map((s) => ({ path: s.name, why: s.error ?? s.messages.join("; ") }));
    const handlers = h.steps.filter((s) => s.handler).flatMap((s) => s.commands.map((c) => ({ name: s.name, exitCode: c.exitCode })));
    if (skipped.length > 0) line.skipped = skipped;
    if (handlers.length > 0) line.handlers = handlers;
  }
  return entry;
}
