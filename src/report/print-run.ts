import type { Change } from "../steps/types.js";
import { countSteps, type HostResult, type RunReport, type StepResult } from "../engine/results.js";
import { painter } from "./color.js";
import { groupDiffs, hostList } from "./diffs.js";
import type { Redactor } from "./redact.js";
import { groupWarnings } from "./warnings.js";

const STATUS_STYLE = { ok: "green", changed: "yellow", failed: "red", unreachable: "red", refused: "magenta", "not-started": "gray", "rolled-back": "magenta" } as const;

/** The human summary after a run: refusals, failures, commands, grouped diffs, the recap, then step warnings. */
export function printRun(report: RunReport, options: { diff: boolean; redact: Redactor; out: NodeJS.WriteStream }): void {
  const { out, redact } = options;
  const c = painter(out);
  const w = (line = ""): void => void out.write(`${redact(line)}\n`);
  for (const r of report.refused) w(c("red", `REFUSED before any change: ${r}`));
  if (options.diff) {
    for (const g of groupDiffs(report, redact)) {
      w(c("bold", `--- ${g.paths.length === 1 ? (g.paths[0] ?? "") : `${g.paths[0] ?? ""} (and the same file on the other hosts)`}`));
      w(c("gray", `    ${g.hosts.length > 1 ? `same change on ${hostList(g.hosts)}` : `on ${g.hosts[0] ?? ""}`}`));
      for (const line of g.patch.split("\n")) w(line.startsWith("+") ? c("green", line) : line.startsWith("-") ? c("red", line) : line);
    }
  }
  for (const h of report.hosts) printHostNotes(h, report.check, w, c);
  w();
  w(c("bold", `${report.check ? "CHECK (nothing was written)" : "RECAP"} ${report.playbook} — run ${report.runId}, ${(report.durationMs / 1000).toFixed(1)}s`));
  const width = Math.max(...report.hosts.map((h) => h.host.length), 4);
  // The BlueKing generation each host was found to run, when the playbook depends on it.
  const generations = report.hosts.some((h) => h.generation);
  for (const h of report.hosts) {
    const n = countSteps(h);
    const gen = generations ? `${(h.generation?.name ?? "-").padEnd(4)} ` : "";
    w(`${c(STATUS_STYLE[h.status], h.host.padEnd(width))}  ${h.status.padEnd(11)} ${gen}ok=${n.ok} changed=${n.changed} failed=${n.failed} skipped=${n.skipped}${h.error ? `  ${c("red", firstLine(h.error))}` : ""}`);
  }
  const warnings = groupWarnings(report);
  if (warnings.length > 0) w(c("yellow", "WARNINGS"));
  for (const g of warnings) w(`  ${c("yellow", "!")} [${hostList(g.hosts)}] ${g.step}: ${g.message}`);
}

function printHostNotes(h: HostResult, check: boolean, w: (l?: string) => void, c: ReturnType<typeof painter>): void {
  const notes = [...h.notes.map((n) => `! ${n}`), ...h.steps.flatMap((s) => stepNotes(s, check))];
  if (notes.length === 0 && !h.error) return;
  w(c("bold", `${h.host}:`));
  for (const n of notes) w(`  ${n}`);
  if (h.status === "unreachable" && h.error) w(`  ${c("red", `unreachable: ${h.error}`)}`);
}

function stepNotes(s: StepResult, check: boolean): string[] {
  const label = `${s.handler ? "handler " : ""}${s.name}`;
  switch (s.status) {
    case "failed":
      return [`✗ ${label}: ${s.error ?? "failed"}`, ...s.commands.filter((r) => r.exitCode !== 0).map((r) => `    ${tail(r.stderr || r.stdout)}`)];
    case "blocked":
      return [`? ${label}: blocked — ${s.messages.join("; ")}`];
    case "unknown":
    case "changed":
      return s.changes.filter((ch) => ch.kind === "run").map((ch) => `${check ? "would run" : "ran"}: ${describeRun(ch)}${s.status === "unknown" && check ? " (outcome unknown)" : ""}`);
    default:
      return [];
  }
}

function describeRun(ch: Change): string {
  return ch.kind === "run" ? `${ch.display ?? ch.command}  [${ch.reason}]` : "";
}

const firstLine = (s: string): string => s.split("\n")[0] ?? s;
const tail = (s: string): string => s.trim().split("\n").slice(-5).join("\n    ");
