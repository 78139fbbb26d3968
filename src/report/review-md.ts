import { countSteps, type RunReport } from "../engine/results.js";
import { groupDiffs, hostList } from "./diffs.js";
import type { Redactor } from "./redact.js";
import { groupWarnings } from "./warnings.js";

/** The Markdown a reviewer approves: summary table, step warnings, diffs grouped across hosts, commands and handlers, unreachable hosts. */
export function reviewMarkdown(report: RunReport, meta: { planFile: string; inventory: string; vars: Record<string, unknown> }, redact: Redactor): string {
  const out: string[] = [];
  const changed = report.hosts.filter((h) => h.status === "changed");
  out.push(`# Change review: ${report.playbook}`, "");
  out.push(`- plan file: \`${meta.planFile}\` (run ${report.runId}, ${report.startedAt})`);
  out.push(`- playbook sha256: \`${report.playbookSha256}\``, `- inventory: \`${meta.inventory}\``);
  out.push(`- variables: ${Object.entries(meta.vars).map(([k, v]) => `\`${k}=${JSON.stringify(v)}\``).join(", ") || "none"}`);
  out.push(`- ${changed.length} of ${report.hosts.length} hosts would change`, "");
  for (const r of report.refused) out.push(`> **Refused before any change:** ${r}`, "");
  out.push("| host | status | would change | ok | handlers | note |", "|---|---|---|---|---|---|");
  for (const h of report.hosts) {
    const n = countSteps(h);
    const handlers = h.steps.filter((s) => s.handler).map((s) => s.name).join(", ");
    out.push(`| ${h.host} | ${h.status} | ${n.changed} | ${n.ok} | ${handlers} | ${(h.error ?? "").replaceAll("|", "\\|").split("\n")[0] ?? ""} |`);
  }
  const warnings = groupWarnings(report);
  if (warnings.length > 0) out.push("", "## Warnings", "");
  for (const g of warnings) out.push(`- **${g.step}** on ${hostList(g.hosts)}: ${g.message}`);
  const diffs = groupDiffs(report, redact);
  if (diffs.length > 0) out.push("", "## Diffs", "");
  for (const g of diffs) {
    out.push(`### \`${g.paths[0] ?? ""}\`${g.paths.length > 1 ? " (per-host paths)" : ""} — ${g.hosts.length > 1 ? `same change on ${hostList(g.hosts)}` : g.hosts[0] ?? ""}`, "", "```diff", g.patch.trimEnd(), "```", "");
  }
  const commands = report.hosts.flatMap((h) => h.steps.flatMap((s) => s.changes.flatMap((c) => (c.kind === "run" ? [{ host: h.host, step: s, c }] : []))));
  if (commands.length > 0) {
    out.push("## Commands that will run", "");
    const byText = new Map<string, string[]>();
    for (const { host, step, c } of commands) {
      const key = `${step.handler ? "handler " : ""}${step.name}: \`${(c.display ?? c.command).replaceAll("`", "'")}\` — ${c.reason}`;
      byText.set(key, [...(byText.get(key) ?? []), host]);
    }
    for (const [text, hosts] of byText) out.push(`- ${text} (${hostList(hosts)})`);
    out.push("");
  }
  const unreachable = report.hosts.filter((h) => h.status === "unreachable");
  if (unreachable.length > 0) {
    out.push("## Unreachable at plan time", "");
    for (const h of unreachable) out.push(`- ${h.host}: ${h.error ?? ""}`);
    out.push("");
  }
  return redact(`${out.join("\n")}\n`);
}
