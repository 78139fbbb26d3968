import type { MessageKey } from "../i18n/catalogue/index.js";
import { say } from "../i18n/lang.js";
import { t } from "../i18n/t.js";
import type { Finding } from "./judge.js";
import { REACH, type DoctorReport } from "./run-doctor.js";
import type { Check, Outcome } from "./types.js";

const SYMBOL: Record<Outcome, string> = { fail: "✗", error: "!", warn: "~", unknown: "?", ok: "✔" };
const ORDER: Outcome[] = ["fail", "error", "warn", "unknown"];
const OUTCOME_WORD: Record<Outcome | "skipped", MessageKey> = {
  fail: "doctor.outcome.fail",
  error: "doctor.outcome.error",
  warn: "doctor.outcome.warn",
  unknown: "doctor.outcome.unknown",
  ok: "doctor.outcome.ok",
  skipped: "doctor.outcome.skipped",
};

const symptomOf = (f: Finding, checks: readonly Check[]): string => {
  if (f.check === REACH) return t("doctor.unreachedSymptom");
  const symptom = checks.find((c) => c.id === f.check)?.symptom;
  return symptom ? say(symptom) : f.check;
};

/** Findings worst first, grouped by the symptom they explain (the order of first appearance within an outcome). */
export function groupBySymptom(findings: readonly Finding[], checks: readonly Check[]): [string, Finding[]][] {
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  const groups = new Map<string, Finding[]>();
  for (const f of sorted) {
    const s = symptomOf(f, checks);
    groups.set(s, [...(groups.get(s) ?? []), f]);
  }
  return [...groups];
}

/** The command lines of a fix, or its words when it has none. */
function fixLines(f: Finding): string[] {
  if (!f.fix) return [];
  const lines = [...(f.fix.command?.split("\n") ?? []), ...(f.fix.steps ?? [])];
  return lines.length > 0 ? lines : [say(f.fix.text)];
}

export function summaryLine(r: DoctorReport): string {
  const s = r.summary;
  if (r.findings.length === 0) return t(s.hosts === 1 ? "doctor.allOk.one" : "doctor.allOk.many", { checks: s.checks, hosts: s.hosts });
  const parts = (["fail", "error", "warn", "unknown"] as const).filter((o) => s[o] > 0).map((o) => `${s[o]} ${t(OUTCOME_WORD[o])}`);
  return t("doctor.summary", { parts: parts.join(", "), ok: s.ok, checks: s.checks, hosts: s.hosts });
}

/** The screen: one line per finding under its symptom, the fix under it, then the summary. */
export function renderText(r: DoctorReport, checks: readonly Check[]): string {
  const out: string[] = [];
  for (const [symptom, list] of groupBySymptom(r.findings, checks)) {
    out.push(symptom);
    for (const f of list) {
      out.push(`  ${SYMBOL[f.outcome]} ${t(OUTCOME_WORD[f.outcome]).toUpperCase()} ${f.check} [${f.hosts.join(", ")}] ${f.message}`);
      for (const line of fixLines(f)) out.push(`      ${t("doctor.fix")}: ${line}`);
    }
  }
  out.push(summaryLine(r));
  return `${out.join("\n")}\n`;
}

const cell = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", "<br>");

/** The Markdown report for a change ticket: summary, findings with evidence and fix, every check's outcome, hosts. */
export function renderMarkdown(r: DoctorReport, checks: readonly Check[]): string {
  const out = [t("doctor.reportTitle", { inventory: r.inventory }), "", `**${summaryLine(r)}**`, ""];
  for (const [symptom, list] of groupBySymptom(r.findings, checks)) {
    out.push(`## ${symptom}`, "");
    for (const f of list) {
      out.push(t("doctor.findingOn", { symbol: SYMBOL[f.outcome], outcome: t(OUTCOME_WORD[f.outcome]), check: f.check, hosts: f.hosts.join(", ") }), "", f.message, "");
      if (f.evidence?.length) out.push(t("doctor.evidence"), "", ...f.evidence.map((e) => `- ${e}`), "");
      if (f.fix) {
        out.push(t("doctor.fixLine", { text: say(f.fix.text) }), "");
        const lines = [...(f.fix.command?.split("\n") ?? []), ...(f.fix.steps ?? [])];
        if (lines.length > 0) out.push("```sh", ...lines, "```", "");
      }
    }
  }
  out.push(t("doctor.checks"), "", t("doctor.checksHead"), "|---|---|---|---|");
  for (const c of r.checks) out.push(`| \`${c.id}\` | ${t(OUTCOME_WORD[c.outcome])} | ${cell(c.hosts.join(", "))} | ${cell(c.title)} |`);
  out.push("", t("doctor.hosts"), "", t("doctor.hostsHead"), "|---|---|---|---|");
  for (const h of r.hosts) out.push(`| ${h.name} | ${h.address} | ${h.generation ?? t("doctor.unknownGeneration")} | ${h.reached ? `${h.durationMs} ms` : cell(h.error ?? t("doctor.notRead"))} |`);
  return `${out.join("\n")}\n`;
}
