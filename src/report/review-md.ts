import { countSteps, type RunReport } from "../engine/results.js";
import { t } from "../i18n/t.js";
import { groupDiffs, hostList, onHosts, stepLabel } from "./diffs.js";
import type { Redactor } from "./redact.js";
import { groupWarnings } from "./warnings.js";

/** The Markdown a reviewer approves: summary table, step warnings, diffs grouped across hosts, commands and handlers, unreachable hosts. */
export function reviewMarkdown(report: RunReport, meta: { planFile: string; inventory: string; vars: Record<string, unknown> }, redact: Redactor): string {
  const out: string[] = [];
  const changed = report.hosts.filter((h) => h.status === "changed");
  out.push(t("review.title", { playbook: report.playbook }), "");
  out.push(t("review.planFile", { file: meta.planFile, runId: report.runId, startedAt: report.startedAt }));
  out.push(t("review.playbookSha", { sha: report.playbookSha256 }), t("review.inventory", { file: meta.inventory }));
  out.push(t("review.variables", { vars: Object.entries(meta.vars).map(([k, v]) => `\`${k}=${JSON.stringify(v)}\``).join(", ") || t("review.none") }));
  out.push(t("review.wouldChange", { changed: changed.length, total: report.hosts.length }), "");
  for (const r of report.refused) out.push(t("review.refused", { reason: r }), "");
  out.push(t("review.tableHead"), "|---|---|---|---|---|---|");
  for (const h of report.hosts) {
    const n = countSteps(h);
    const handlers = h.steps.filter((s) => s.handler).map((s) => s.name).join(", ");
    out.push(`| ${h.host} | ${h.status} | ${n.changed} | ${n.ok} | ${handlers} | ${(h.error ?? "").replaceAll("|", "\\|").split("\n")[0] ?? ""} |`);
  }
  const warnings = groupWarnings(report);
  if (warnings.length > 0) out.push("", t("review.warnings"), "");
  for (const g of warnings) out.push(t("review.warningOn", { step: g.step, hosts: hostList(g.hosts), message: g.message }));
  const diffs = groupDiffs(report, redact);
  if (diffs.length > 0) out.push("", t("review.diffs"), "");
  for (const g of diffs) {
    out.push(`### \`${g.paths[0] ?? ""}\`${g.paths.length > 1 ? t("review.perHostPaths") : ""} — ${onHosts(g.hosts)}`, "", "```diff", g.patch.trimEnd(), "```", "");
  }
  const commands = report.hosts.flatMap((h) => h.steps.flatMap((s) => s.changes.flatMap((c) => (c.kind === "run" ? [{ host: h.host, step: s, c }] : []))));
  if (commands.length > 0) {
    out.push(t("review.commands"), "");
    const byText = new Map<string, string[]>();
    for (const { host, step, c } of commands) {
      const key = `${stepLabel(step)}: \`${(c.display ?? c.command).replaceAll("`", "'")}\` — ${c.reason}`;
      byText.set(key, [...(byText.get(key) ?? []), host]);
    }
    for (const [text, hosts] of byText) out.push(`- ${text} (${hostList(hosts)})`);
    out.push("");
  }
  const unreachable = report.hosts.filter((h) => h.status === "unreachable");
  if (unreachable.length > 0) {
    out.push(t("review.unreachable"), "");
    for (const h of unreachable) out.push(`- ${h.host}: ${h.error ?? ""}`);
    out.push("");
  }
  return redact(`${out.join("\n")}\n`);
}
