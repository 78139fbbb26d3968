import type { Change } from "../steps/types.js";

export type StepStatus =
  | "ok" // nothing to do
  | "changed" // changes planned (check) or applied
  | "unknown" // check mode: a command whose effect cannot be predicted would run
  | "blocked" // check mode: depends on an unknown step's outcome
  | "failed"
  | "not-run"; // an earlier step on this host failed

export type HostStatus = "ok" | "changed" | "failed" | "unreachable" | "refused" | "not-started" | "rolled-back";

/** A file this run replaced, created or removed on a host (audit log, rollback). */
export interface FileRecord {
  path: string;
  beforeSha256: string | null;
  afterSha256: string | null;
  backup?: string;
}

export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/** A mode/owner/group change of one path, with what it was when read (`--diff` and the report show it as text). */
export interface AttrChange {
  path: string;
  type: "file" | "dir" | "link" | "other";
  /** Created by this change (a directory): there was nothing before. */
  created?: boolean;
  mode?: { from: number | null; to: number };
  owner?: { from: string | null; to: string };
  group?: { from: string | null; to: string };
}

export interface CommandRun {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface StepResult {
  name: string;
  type: string;
  /** Handlers are reported like steps, after them. */
  handler: boolean;
  /** Handlers this step notifies when it changes something. */
  notify: string[];
  status: StepStatus;
  changes: Change[];
  diffs: FileDiff[];
  /** Mode and owner changes (files the step does not rewrite), with their values before. */
  attrs?: AttrChange[];
  messages: string[];
  error?: string;
  commands: CommandRun[];
}

export interface HostResult {
  host: string;
  address: string;
  status: HostStatus;
  steps: StepResult[];
  /** Remote backup paths of files this run replaced or removed. */
  backups: string[];
  files: FileRecord[];
  /** Things the operator should know that are not failures (e.g. an earlier run was interrupted here). */
  notes: string[];
  /** The host's BlueKing generation, when the playbook needed it, and how it was known (marker files or the inventory). */
  generation?: { name: string; from: string };
  /** Batch number (1-based) when the run was rolling (`--serial`). */
  batch?: number;
  error?: string;
  durations: { connectMs: number; probeMs: number; applyMs: number };
}

export interface RunReport {
  runId: string;
  playbook: string;
  playbookSha256: string;
  check: boolean;
  startedAt: string;
  durationMs: number;
  hosts: HostResult[];
  /** Cross-host conditions that refused the run before any change. */
  refused: string[];
  batches: BatchReport[];
}

export interface BatchReport {
  hosts: string[];
  status: "applied" | "verified" | "failed" | "rolled-back" | "not-started";
  /** Why the run stopped after this batch. */
  reason?: string;
  durationMs: number;
}

/** Ansible-recap style counts. */
export function countSteps(h: HostResult): Record<"ok" | "changed" | "failed" | "skipped", number> {
  const n = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const s of h.steps) {
    if (s.status === "ok") n.ok++;
    else if (s.status === "changed" || s.status === "unknown") n.changed++;
    else if (s.status === "failed") n.failed++;
    else n.skipped++;
  }
  return n;
}

export function exitCodeOf(report: RunReport): number {
  if (report.hosts.some((h) => h.status === "refused")) return 3;
  const stopped = report.batches.some((b) => b.status === "failed" || b.status === "rolled-back");
  return stopped || report.refused.length > 0 || report.hosts.some((h) => h.status === "failed" || h.status === "unreachable" || h.status === "rolled-back") ? 1 : 0;
}
