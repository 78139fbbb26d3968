import type { HostResult, StepResult } from "../engine/results.js";
import type { MessageKey } from "../i18n/catalogue/index.js";
import { t } from "../i18n/t.js";
import type { Change } from "../steps/types.js";
import { describeAttrs } from "./attr-summary.js";
import { stepLabel } from "./diffs.js";
import { shortMessage } from "./shorten.js";

/** Whether the lines speak of what a check planned ("would write") or of what an apply did ("wrote"). */
type Tense = "would" | "did";

const VERBS: Record<Exclude<Change["kind"], "attrs" | "run">, [MessageKey, MessageKey]> = {
  "write-file": ["line.wouldWrite", "line.wrote"],
  upload: ["line.wouldUpload", "line.uploaded"],
  extract: ["line.wouldExtract", "line.extracted"],
  mkdir: ["line.wouldCreate", "line.created"],
  remove: ["line.wouldRemove", "line.removed"],
};

/**
 * What one host's run has to say, as the same result the JSON report and the audit log carry: the steps that
 * changed (or would), with their files, the commands run (or that would run), failures with their cause first,
 * and where the backups went.
 */
export function hostLines(h: HostResult, options: { check: boolean; verbose: boolean }): string[] {
  const tense: Tense = options.check ? "would" : "did";
  const lines = [...h.notes.map((n) => `! ${n}`), ...h.steps.flatMap((s) => stepLines(s, tense, options.verbose))];
  const backups = backupDir(h);
  if (backups) lines.push(t(h.backups.length === 1 ? "line.backups.one" : "line.backups.many", { dir: backups, count: h.backups.length }));
  return lines;
}

/** A rollback's file (step type `restore`, see rollback-run.ts): what became of it, marked by its outcome. */
const RESTORE_MARK: Record<StepResult["status"], string> = { changed: "↺", ok: "✔", "not-run": "⊗", failed: "✗", unknown: "?", blocked: "?" };

function stepLines(s: StepResult, tense: Tense, verbose: boolean): string[] {
  if (s.type === "restore") return s.messages.map((m) => `${RESTORE_MARK[s.status]} ${shortMessage(m, verbose)}`);
  const label = stepLabel(s);
  switch (s.status) {
    case "failed":
      return failedLines(s, label, verbose);
    case "blocked":
      return [`? ${label}: ${t("line.blocked")} — ${s.messages.join("; ")}`];
    case "unknown":
    case "changed":
      return [...fileLines(s, label, tense), ...s.changes.flatMap((ch) => (ch.kind === "run" ? [`${t(tense === "would" ? "line.wouldRun" : "line.ran")}: ${ch.display ?? ch.command}  [${ch.reason}]${s.status === "unknown" && tense === "would" ? t("line.outcomeUnknown") : ""}`] : []))];
    default:
      return [];
  }
}

/** `~ PAAS_DOMAIN: wrote /data/bkce/…/settings_production.py`; attribute changes summarised, not listed. */
function fileLines(s: StepResult, label: string, tense: Tense): string[] {
  const what: string[] = [];
  for (const ch of s.changes) {
    if (ch.kind === "run" || ch.kind === "attrs" || ch.kind === "mkdir") continue;
    const [would, did] = VERBS[ch.kind];
    const verb = t(ch.kind === "write-file" && ch.beforeSha256 === null ? (tense === "would" ? "line.wouldCreate" : "line.created") : tense === "would" ? would : did);
    what.push(`${verb} ${ch.kind === "extract" ? ch.dest : ch.path}`);
  }
  const attrs = describeAttrs(s.attrs ?? []).map((a) => `${t(tense === "would" ? "line.wouldSet" : "line.set")} ${a}`);
  return [...what, ...attrs].map((w) => `~ ${label}: ${w}`);
}

/** The cause first (the error, led by the command's last words), then the output above it and what ran, shortened unless verbose. */
function failedLines(s: StepResult, label: string, verbose: boolean): string[] {
  const lines = [`✗ ${label}: ${shortMessage(s.error ?? t("line.failed"), verbose)}`];
  const failed = s.commands.filter((r) => r.exitCode !== 0).at(-1);
  if (!failed) return lines;
  const output = (failed.stderr || failed.stdout).trim().split("\n").filter((l) => l.trim() !== "");
  // The line that leads the error is not said twice; the others give its context.
  const context = output.filter((l) => !(s.error ?? "").startsWith(`${l.trim()} (exit `));
  lines.push(...(verbose ? context : context.slice(-4)).map((l) => `    ${l}`));
  lines.push(`    ${shortMessage(t("line.exitFrom", { code: failed.exitCode, command: failed.command }), verbose)}`);
  return lines;
}

/** `/var/tmp/bkplay/<run-id>/backup`: the folder every backup of this host is under, its tree mirroring `/`. */
function backupDir(h: HostResult): string | undefined {
  const first = h.backups[0];
  const file = h.files.find((f) => f.backup === first);
  if (!first) return undefined;
  return file && first.endsWith(file.path) ? first.slice(0, first.length - file.path.length) : first.replace(/\/backup\/.*$/, "/backup");
}
