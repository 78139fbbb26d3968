import { countSteps, type RunReport } from "../engine/results.js";
import { t } from "../i18n/t.js";
import { cells, padCells } from "../i18n/width.js";
import { describeAttrs } from "./attr-summary.js";
import { painter } from "./color.js";
import { groupDiffs, hostList, onHosts, stepLabel } from "./diffs.js";
import { hostLines } from "./host-lines.js";
import { OUTCOME, statusLabel } from "./outcome.js";
import type { Redactor } from "./redact.js";
import { shortMessage } from "./shorten.js";
import { groupWarnings } from "./warnings.js";

export interface PrintOptions {
  diff: boolean;
  /** Long commands and whole outputs in messages (else shortened: the cause first). */
  verbose?: boolean;
  redact: Redactor;
  out: NodeJS.WriteStream;
}

/**
 * The human summary after a run, read from the same report as `--json` and the audit log: refusals, diffs
 * (with mode and owner changes as text), per host what changed (or would) with files, commands and backups,
 * the recap, then step warnings. A check speaks of what would happen, an apply of what happened.
 */
export function printRun(report: RunReport, options: PrintOptions): void {
  const { out, redact } = options;
  const verbose = options.verbose === true;
  const c = painter(out);
  const w = (line = ""): void => void out.write(`${redact(line)}\n`);
  for (const r of report.refused) w(c("red", t("recap.refused", { reason: r })));
  if (options.diff) printDiffs(report, w, c, redact);
  for (const h of report.hosts) {
    const lines = hostLines(h, { check: report.check, verbose });
    if (lines.length === 0 && (!h.error || h.status === "not-started")) continue;
    w(c("bold", `${h.host}:`));
    for (const l of lines) w(`  ${l}`);
    if ((h.status === "unreachable" || (lines.length === 0 && h.error)) && h.error) w(`  ${c(OUTCOME[h.status].color, `${statusLabel(h.status, report.check)}: ${shortMessage(h.error, verbose)}`)}`);
  }
  w();
  const nothingWritten = report.check || report.refused.length > 0 || report.hosts.every((h) => h.files.length === 0 && h.steps.every((s) => s.status !== "changed"));
  const title = t(report.check ? "recap.check" : report.refused.length > 0 ? "recap.refusedTitle" : "recap.recap");
  w(c("bold", t("recap.title", { title, nothing: nothingWritten ? t("recap.nothingWritten") : "", playbook: report.playbook, runId: report.runId, seconds: (report.durationMs / 1000).toFixed(1) })));
  const width = Math.max(...report.hosts.map((h) => cells(h.host)), 4);
  const labels = Math.max(...report.hosts.map((h) => cells(statusLabel(h.status, report.check))), 11);
  // The BlueKing generation each host was found to run, when the playbook depends on it.
  const generations = report.hosts.some((h) => h.generation);
  for (const h of report.hosts) {
    const n = countSteps(h);
    const o = OUTCOME[h.status];
    const gen = generations ? `${(h.generation?.name ?? "-").padEnd(4)} ` : "";
    const counts = t(report.check ? "recap.countsCheck" : "recap.counts", { ok: n.ok, changed: n.changed, failed: n.failed, skipped: n.skipped });
    w(`${c(o.color, `${o.symbol} ${padCells(h.host, width)}  ${padCells(statusLabel(h.status, report.check), labels)}`)} ${gen}${counts}${h.error ? `  ${c(o.color, shortMessage(h.error, verbose))}` : ""}`);
  }
  const warnings = groupWarnings(report);
  if (warnings.length > 0) w(c("yellow", t("recap.warnings")));
  for (const g of warnings) w(`  ${c("yellow", "!")} [${hostList(g.hosts)}] ${g.step}: ${g.message}`);
}

/** Unified diffs of file contents, then mode and owner changes as text; both grouped across hosts. */
function printDiffs(report: RunReport, w: (l?: string) => void, c: ReturnType<typeof painter>, redact: Redactor): void {
  for (const g of groupDiffs(report, redact)) {
    w(c("bold", `--- ${g.paths.length === 1 ? (g.paths[0] ?? "") : t("diff.sameFileElsewhere", { path: g.paths[0] ?? "" })}`));
    w(c("gray", `    ${onHosts(g.hosts)}`));
    for (const line of g.patch.split("\n")) w(line.startsWith("+") ? c("green", line) : line.startsWith("-") ? c("red", line) : line);
  }
  const attrs = new Map<string, string[]>();
  for (const h of report.hosts) {
    for (const s of h.steps) {
      if (s.status !== "changed" && s.status !== "unknown") continue;
      for (const line of describeAttrs(s.attrs ?? [])) {
        const key = `${stepLabel(s)}: ${line}`;
        attrs.set(key, [...(attrs.get(key) ?? []), h.host]);
      }
    }
  }
  for (const [line, hosts] of attrs) {
    w(c("bold", `--- ${line}`));
    w(c("gray", `    ${onHosts(hosts)}`));
  }
}
