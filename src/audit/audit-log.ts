import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { operatorId } from "../who.js";
import { join } from "node:path";
import type { FileRecord, RunReport } from "../engine/results.js";
import { InputError, type Problem } from "../errors.js";
import { compile, translate } from "../schema/check.js";
import { redactDeep } from "../report/redact.js";
import { t } from "../i18n/t.js";

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
  hosts: { host: string; status: string; batch?: number; error?: string; files: FileRecord[]; skipped?: SkippedFile[]; handlers?: { name: string; exitCode: number }[] }[];
  batches: RunReport["batches"];
  refused: string[];
  /** A rollback: the run it undid. */
  rollbackOf?: string;
  /** An apply of an approved plan: the reviewers whose signatures were verified (principal, key fingerprint). */
  approvers?: { principal: string; fingerprint: string }[];
}

/** A file a rollback left as it was, and why (changed since the run; already as before it). */
export interface SkippedFile {
  path: string;
  why: string;
}

export const defaultLogDir = (): string => join(homedir(), ".bkplay", "runs");

export function appendAudit(logDir: string, entry: AuditEntry): void {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  appendFileSync(join(logDir, "runs.jsonl"), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** What `history` and `rollback` rely on in each line; a line without it is bad input, not a crash. */
export const AUDIT_ENTRY_SCHEMA = {
  $id: "bkplay-audit-entry",
  type: "object",
  required: ["runId", "time", "user", "command", "check", "playbook", "inventory", "exitCode", "backupRoot", "hosts"],
  properties: {
    runId: { type: "string", minLength: 1 },
    time: { type: "string" },
    user: { type: "string" },
    command: { type: "string" },
    check: { type: "boolean" },
    playbook: { type: "object", required: ["name"], properties: { name: { type: "string" }, file: { type: "string" }, sha256: { type: "string" } } },
    inventory: { type: "string" },
    limit: { type: ["string", "null"] },
    vars: { type: "object" },
    backupRoot: { type: "string" },
    exitCode: { type: "integer" },
    hosts: {
      type: "array",
      items: {
        type: "object",
        required: ["host", "status", "files"],
        properties: {
          host: { type: "string" },
          status: { type: "string" },
          files: { type: "array", items: { type: "object", required: ["path"], properties: { path: { type: "string" } } } },
        },
      },
    },
    batches: { type: "array" },
    refused: { type: "array", items: { type: "string" } },
    approvers: { type: "array", items: { type: "object", required: ["principal", "fingerprint"], properties: { principal: { type: "string" }, fingerprint: { type: "string" } } } },
  },
} as const;

/** Every entry of the log, oldest first; a line that is not an entry is bad input, located at `file:line:col`. */
export function readAudit(logDir: string): AuditEntry[] {
  const file = join(logDir, "runs.jsonl");
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(t("audit.cannotRead", { file, code: (err as NodeJS.ErrnoException).code ?? String(err) }), { cause: err });
  }
  const validate = compile(AUDIT_ENTRY_SCHEMA);
  const problems: Problem[] = [];
  const entries = text.split("\n").flatMap((line, i): AuditEntry[] => {
    if (line.trim() === "") return [];
    const at = { file, line: i + 1, col: 1 };
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      const message = (err as Error).message;
      const col = Number(/at position (\d+)/.exec(message)?.[1] ?? 0) + 1;
      problems.push({ message: t("audit.notJson", { reason: message.replace(/ in JSON at position \d+.*$/, "") }), location: { ...at, col } });
      return [];
    }
    if (validate(data)) return [data as AuditEntry];
    const source = { file, data, locate: () => at, locateKey: () => at };
    problems.push(...translate(validate.errors ?? [], source, []).map((p) => ({ ...p, message: t("audit.notEntry", { message: p.message }) })));
    return [];
  });
  if (problems.length > 0) throw new InputError(problems);
  return entries;
}

export function auditEntry(report: RunReport, ctx: { command: string; playbookFile: string; inventory: string; limit?: string; vars: Record<string, unknown>; backupRoot: string; exitCode: number; redact: (s: string) => string; approvers?: AuditEntry["approvers"] }): AuditEntry {
  // Every string is redacted before the entry is serialised (see redactDeep).
  return redactDeep<AuditEntry>({
    runId: report.runId,
    time: report.startedAt,
    user: operatorId(),
    command: ctx.command,
    check: report.check,
    playbook: { name: report.playbook, file: ctx.playbookFile, sha256: report.playbookSha256 },
    inventory: ctx.inventory,
    limit: ctx.limit ?? null,
    vars: ctx.vars,
    backupRoot: ctx.backupRoot,
    exitCode: ctx.exitCode,
    hosts: report.hosts.map((h) => ({ host: h.host, status: h.status, files: h.files, ...(h.batch !== undefined ? { batch: h.batch } : {}), ...(h.error ? { error: h.error } : {}) })),
    batches: report.batches,
    refused: report.refused,
    ...(ctx.approvers ? { approvers: ctx.approvers } : {}),
  }, ctx.redact);
}
