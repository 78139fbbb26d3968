import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir, hostname, userInfo } from "node:os";
import { join } from "node:path";
import type { FileRecord, RunReport } from "../engine/results.js";

/** One line per run, appended to `<logDir>/runs.jsonl` (default ~/.bkplay/runs/). Never holds a secret. */
export interface AuditEntry {
  runId: string;
  time: string;
  user: string;
  command: string;
  check: boolean;
  playbook: { name: string; file: string; sha256: string };
  inventory: string;
  limit: string | null;
  vars: Record<string, unknown>;
  backupRoot: string;
  exitCode: number;
  hosts: { host: string; status: string; batch?: number; error?: string; files: FileRecord[] }[];
  batches: RunReport["batches"];
  refused: string[];
}

export const defaultLogDir = (): string => join(homedir(), ".bkplay", "runs");

export function appendAudit(logDir: string, entry: AuditEntry): void {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  appendFileSync(join(logDir, "runs.jsonl"), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

export function readAudit(logDir: string): AuditEntry[] {
  const file = join(logDir, "runs.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as AuditEntry];
      } catch {
        return [];
      }
    });
}

export function auditEntry(report: RunReport, ctx: { command: string; playbookFile: string; inventory: string; limit?: string; vars: Record<string, unknown>; backupRoot: string; exitCode: number; redact: (s: string) => string }): AuditEntry {
  return {
    runId: report.runId,
    time: report.startedAt,
    user: `${userInfo().username}@${hostname()}`,
    command: ctx.command,
    check: report.check,
    playbook: { name: report.playbook, file: ctx.playbookFile, sha256: report.playbookSha256 },
    inventory: ctx.inventory,
    limit: ctx.limit ?? null,
    vars: JSON.parse(ctx.redact(JSON.stringify(ctx.vars))) as Record<string, unknown>,
    backupRoot: ctx.backupRoot,
    exitCode: ctx.exitCode,
    hosts: report.hosts.map((h) => ({ host: h.host, status: h.status, files: h.files, ...(h.batch !== undefined ? { batch: h.batch } : {}), ...(h.error ? { error: ctx.redact(h.error) } : {}) })),
    batches: report.batches,
    refused: report.refused.map(ctx.redact),
  };
}
