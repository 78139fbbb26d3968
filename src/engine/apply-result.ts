import { fromBase64, parseRecords } from "./probe-script.js";
import { sha256 } from "./host-facts.js";
import type { HostPlan } from "./plan-host.js";
import type { FileRecord, HostResult } from "./results.js";
import type { Change } from "../steps/types.js";
import { t } from "../i18n/t.js";

/** What a change did to a file, for the audit log and rollback; null when it touches no file content. */
function fileRecord(c: Change, backup: string | undefined): FileRecord | null {
  const withBackup = (r: FileRecord): FileRecord => (backup === undefined ? r : { ...r, backup });
  switch (c.kind) {
    case "write-file":
      return withBackup({ path: c.path, beforeSha256: c.beforeSha256, afterSha256: sha256(c.content) });
    case "upload":
      return withBackup({ path: c.path, beforeSha256: c.beforeSha256, afterSha256: c.sha256 });
    case "remove":
      return withBackup({ path: c.path, beforeSha256: null, afterSha256: null });
    default:
      return null;
  }
}

/** Fold the apply script's records into the host's step results. */
export function readApplyOutput(plan: Pick<HostPlan, "changes" | "owners">, host: HostResult, out: { runDir: string; stdout: string; stderr: string; exitCode: number }): void {
  const { stdout, stderr, exitCode } = out;
  const { records, complete } = parseRecords(stdout);
  const done = new Set<number>();
  const backups = new Map<number, string>();
  for (const r of records) {
    const owner = plan.owners[r.index] ?? 0;
    const step = host.steps[owner];
    const change = plan.changes[r.index];
    if (r.field === "D") {
      done.add(r.index);
      const rec = change ? fileRecord(change, backups.get(r.index)) : null;
      if (rec) host.files.push(rec);
    } else if (r.field === "B" && change && "path" in change) {
      const path = `${out.runDir}/backup${change.path}`;
      backups.set(r.index, path);
      host.backups.push(path);
    } else if (r.field === "L") {
      host.notes.push(t("engine.interruptedLock", { record: fromBase64(r.values[0]) }));
    } else if (r.field === "F" && step) fail(host, owner, causeFirst(fromBase64(r.values[0]), step.commands.at(-1)));
    else if (r.field === "Z" && step && change && "path" in change) {
      host.status = "refused";
      // Every file is checked before the first write, so nothing planned on this host happened.
      for (const s of host.steps) if (s.status === "changed" || s.status === "unknown") s.status = "not-run";
      host.error = t("engine.drifted", { path: change.path, now: r.values[0] ?? "?", planned: ("beforeSha256" in change ? change.beforeSha256 : null) ?? t("engine.none") });
      fail(host, owner, host.error);
    } else if (r.field === "X" && step && change?.kind === "run") {
      step.commands.push({ command: change.display ?? change.command, exitCode: Number(r.values[0]), stdout: "", stderr: "" });
    } else if ((r.field === "O" || r.field === "E") && step) {
      const last = step.commands.at(-1);
      if (last) last[r.field === "O" ? "stdout" : "stderr"] = fromBase64(r.values[0]);
    }
  }
  if (!complete && !host.steps.some((s) => s.status === "failed")) {
    const first = plan.changes.findIndex((_, i) => !done.has(i));
    fail(host, plan.owners[first] ?? 0, `apply stopped early (exit ${exitCode}): ${stderr.trim().split("\n").slice(-3).join(" ") || "connection lost?"}`);
  }
}

/** Words of a line that says what went wrong (the first such line is the cause; what follows is often its echo). */
const SAYS_WHY = /\b(error|fatal|failed|denied|refused|not found|cannot|can't|no such|invalid|unknown|emerg)\b/i;

/**
 * A command's `exit 1` says little: its output's first line that says what went wrong (else its last line) is
 * the cause, and leads: `ERROR 2002 (HY000): Can't connect … (exit 1)`.
 */
function causeFirst(message: string, last: HostResult["steps"][number]["commands"][number] | undefined): string {
  if (!last || last.exitCode === 0 || message !== `exit ${last.exitCode}`) return message;
  const lines = (last.stderr || last.stdout).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const cause = lines.find((l) => SAYS_WHY.test(l)) ?? lines.at(-1);
  return cause ? `${cause} (exit ${last.exitCode})` : message;
}

function fail(host: HostResult, index: number, message: string): void {
  const step = host.steps[index];
  if (!step) return;
  step.status = "failed";
  step.error = message;
  if (host.status !== "refused") host.status = "failed";
  host.error ??= `${step.name}: ${message}`;
  host.steps.slice(index + 1).forEach((s) => (s.status = "not-run"));
}
