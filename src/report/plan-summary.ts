import type { ApprovedPlan } from "../plan/approvals.js";
import type { ReviewedChange } from "../plan/plan-file.js";
import { hostList } from "./diffs.js";

/** What a reviewer approves, read from the plan file itself: what runs where, the diffs (masked), who planned and approved. */
export function planSummary(file: string, plan: ApprovedPlan): string {
  const out: string[] = [];
  const hosts = Object.entries(plan.hosts);
  const changing = hosts.filter(([, h]) => (h.changes?.length ?? 0) > 0);
  out.push(`Plan ${file} (run ${plan.runId})`);
  out.push(`  playbook   ${plan.playbook.name} (${plan.playbook.file}, sha256 ${plan.playbook.sha256.slice(0, 12)}…)`);
  out.push(`  inventory  ${plan.inventory.file}${plan.limit === null ? "" : `, --limit ${plan.limit}`}`);
  out.push(`  variables  ${Object.entries(plan.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ") || "none"}${plan.secretVars.length > 0 ? `; secrets given again at apply: ${plan.secretVars.join(", ")}` : ""}`);
  out.push(`  planned by ${plan.createdBy}${plan.createdByPrincipal === undefined ? "" : ` (principal ${plan.createdByPrincipal})`} at ${plan.createdAt}`);
  out.push(`  valid      ${plan.expiresAt === undefined ? "no expiry (plan --valid-for sets one)" : `until ${plan.expiresAt}`}`);
  out.push(`  hosts      ${changing.length} of ${hosts.length} would change${hosts.filter(([, h]) => h.status === "unreachable" || h.status === "failed").map(([n, h]) => `; ${n} ${h.status}`).join("")}`);
  const patches = new Map<string, string[]>();
  const commands = new Map<string, string[]>();
  for (const [name, h] of changing) {
    for (const s of h.steps ?? []) for (const d of s.diffs) patches.set(`--- ${d.path}\n${d.patch.trimEnd()}`, [...(patches.get(`--- ${d.path}\n${d.patch.trimEnd()}`) ?? []), name]);
    for (const c of h.changes ?? []) {
      const line = describe(c);
      if (line !== null) commands.set(line, [...(commands.get(line) ?? []), name]);
    }
  }
  for (const [patch, on] of patches) out.push("", `on ${hostList(on)}:`, patch);
  if (commands.size > 0) out.push("", "changes other than file edits:");
  for (const [line, on] of commands) out.push(`  ${line} (${hostList(on)})`);
  const approvals = plan.approvals ?? [];
  out.push("", approvals.length === 0 ? "approvals: none yet" : "approvals:");
  for (const a of approvals) out.push(`  ${a.principal} (${a.fingerprint}) at ${a.time}`);
  return `${out.join("\n")}\n`;
}

/** A change a diff does not show; null for a file's new content (its diff shows it). */
function describe(c: ReviewedChange): string | null {
  switch (c.kind) {
    case "write-file":
      return null;
    case "run":
      return `run \`${c.display ?? c.command}\` — ${c.reason}`;
    case "upload":
      return `upload ${c.local} to ${c.path} (sha256 ${c.sha256.slice(0, 12)}…)`;
    case "extract":
      return `extract ${c.archive} into ${c.dest}`;
    default:
      return `${c.kind} ${c.path}`;
  }
}
