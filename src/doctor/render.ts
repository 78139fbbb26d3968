import type { Finding } from "./judge.js";
import { REACH, type DoctorReport } from "./run-doctor.js";
import type { Check, Lang, Outcome, Text } from "./types.js";

const SYMBOL: Record<Outcome, string> = { fail: "✗", error: "!", warn: "~", unknown: "?", ok: "✔" };
const ORDER: Outcome[] = ["fail", "error", "warn", "unknown"];
const REACH_SYMPTOM: Text = { en: "a host did not answer: its checks were not run", zh: "主机无应答: 其检查未执行" };

const L = {
  en: { fix: "fix", all: (n: number, m: number) => `all ${n} checks ok on ${m} host${m === 1 ? "" : "s"}`, some: "checks", hosts: "hosts" },
  zh: { fix: "修复", all: (n: number, m: number) => `${m} 台主机上的全部 ${n} 项检查正常`, some: "项检查", hosts: "台主机" },
} as const;

const symptomOf = (f: Finding, checks: readonly Check[], lang: Lang): string => (f.check === REACH ? REACH_SYMPTOM : checks.find((c) => c.id === f.check)?.symptom)?.[lang] ?? f.check;

/** Findings worst first, grouped by the symptom they explain (the order of first appearance within an outcome). */
export function groupBySymptom(findings: readonly Finding[], checks: readonly Check[], lang: Lang): [string, Finding[]][] {
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
  const groups = new Map<string, Finding[]>();
  for (const f of sorted) {
    const s = symptomOf(f, checks, lang);
    groups.set(s, [...(groups.get(s) ?? []), f]);
  }
  return [...groups];
}

function fixLines(f: Finding, lang: Lang): string[] {
  if (!f.fix) return [];
  const lines = [...(f.fix.command?.split("\n") ?? []), ...(f.fix.steps ?? [])];
  return lines.length > 0 ? lines : [f.fix.text[lang]];
}

export function summaryLine(r: DoctorReport, lang: Lang): string {
  const s = r.summary;
  if (r.findings.length === 0) return L[lang].all(s.checks, s.hosts);
  const parts = (["fail", "error", "warn", "unknown"] as const).filter((o) => s[o] > 0).map((o) => `${s[o]} ${o}`);
  return `${parts.join(", ")}; ${s.ok} of ${s.checks} ${L[lang].some} ok, ${s.hosts} ${L[lang].hosts}`;
}

/** The screen: one line per finding under its symptom, the fix under it, then the summary. */
export function renderText(r: DoctorReport, checks: readonly Check[], lang: Lang): string {
  const out: string[] = [];
  for (const [symptom, list] of groupBySymptom(r.findings, checks, lang)) {
    out.push(symptom);
    for (const f of list) {
      out.push(`  ${SYMBOL[f.outcome]} ${f.outcome.toUpperCase()} ${f.check} [${f.hosts.join(", ")}] ${f.message}`);
      for (const line of fixLines(f, lang)) out.push(`      ${L[lang].fix}: ${line}`);
    }
  }
  out.push(summaryLine(r, lang));
  return `${out.join("\n")}\n`;
}

const cell = (s: string): string => s.replaceAll("|", "\\|").replaceAll("\n", "<br>");

/** The Markdown report for a change ticket: summary, findings with evidence and fix, every check's outcome, hosts. */
export function renderMarkdown(r: DoctorReport, checks: readonly Check[], lang: Lang): string {
  const out = [`# bkplay doctor: ${r.inventory}`, "", `**${summaryLine(r, lang)}**`, ""];
  for (const [symptom, list] of groupBySymptom(r.findings, checks, lang)) {
    out.push(`## ${symptom}`, "");
    for (const f of list) {
      out.push(`### ${SYMBOL[f.outcome]} ${f.outcome} — \`${f.check}\` on ${f.hosts.join(", ")}`, "", f.message, "");
      if (f.evidence?.length) out.push("Evidence:", "", ...f.evidence.map((e) => `- ${e}`), "");
      if (f.fix) {
        out.push(`Fix: ${f.fix.text[lang]}`, "");
        const lines = [...(f.fix.command?.split("\n") ?? []), ...(f.fix.steps ?? [])];
        if (lines.length > 0) out.push("```sh", ...lines, "```", "");
      }
    }
  }
  out.push("## Checks", "", "| check | outcome | hosts | what it checks |", "|---|---|---|---|");
  for (const c of r.checks) out.push(`| \`${c.id}\` | ${c.outcome} | ${cell(c.hosts.join(", "))} | ${cell(c.title)} |`);
  out.push("", "## Hosts", "", "| host | address | generation | read |", "|---|---|---|---|");
  for (const h of r.hosts) out.push(`| ${h.name} | ${h.address} | ${h.generation ?? "unknown"} | ${h.reached ? `${h.durationMs} ms` : cell(h.error ?? "no")} |`);
  return `${out.join("\n")}\n`;
}
