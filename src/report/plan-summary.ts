import type { ApprovedPlan } from "../plan/approvals.js";
import type { ReviewedChange } from "../plan/plan-file.js";
import { t } from "../i18n/t.js";
import { hostList } from "./diffs.js";

/** What a reviewer approves, read from the plan file itself: what runs where, the diffs (masked), who planned and approved. */
export function planSummary(file: string, plan: ApprovedPlan): string {
  const out: string[] = [];
  const hosts = Object.entries(plan.hosts);
  const changing = hosts.filter(([, h]) => (h.changes?.length ?? 0) > 0);
  out.push(t("summary.plan", { file, runId: plan.runId }));
  out.push(t("summary.playbook", { name: plan.playbook.name, file: plan.playbook.file, sha: plan.playbook.sha256.slice(0, 12) }));
  out.push(t("summary.inventory", { file: plan.inventory.file, limit: plan.limit === null ? "" : `, --limit ${plan.limit}` }));
  const secrets = plan.secretVars.length > 0 ? t("summary.secretsAgain", { names: plan.secretVars.join(", ") }) : "";
  out.push(t("summary.variables", { vars: Object.entries(plan.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ") || t("review.none"), secrets }));
  out.push(t("summary.plannedBy", { who: plan.createdBy, principal: plan.createdByPrincipal === undefined ? "" : t("summary.principal", { name: plan.createdByPrincipal }), time: plan.createdAt }));
  out.push(plan.expiresAt === undefined ? t("summary.noExpiry") : t("summary.validUntil", { time: plan.expiresAt }));
  const bad = hosts.filter(([, h]) => h.status === "unreachable" || h.status === "failed").map(([n, h]) => `; ${n} ${h.status}`).join("");
  out.push(t("summary.hosts", { changing: changing.length, total: hosts.length, bad }));
  const patches = new Map<string, string[]>();
  const commands = new Map<string, string[]>();
  for (const [name, h] of changing) {
    for (const s of h.steps ?? []) for (const d of s.diffs) patches.set(`--- ${d.path}\n${d.patch.trimEnd()}`, [...(patches.get(`--- ${d.path}\n${d.patch.trimEnd()}`) ?? []), name]);
    for (const c of h.changes ?? []) {
      const line = describe(c);
      if (line !== null) commands.set(line, [...(commands.get(line) ?? []), name]);
    }
  }
  for (const [patch, on] of patches) out.push("", t("summary.on", { hosts: hostList(on) }), patch);
  if (commands.size > 0) out.push("", t("summary.otherChanges"));
  for (const [line, on] of commands) out.push(`  ${line} (${hostList(on)})`);
  const approvals = plan.approvals ?? [];
  out.push("", t(approvals.length === 0 ? "summary.noApprovals" : "summary.approvals"));
  for (const a of approvals) out.push(t("summary.approval", { principal: a.principal, fingerprint: a.fingerprint, time: a.time }));
  return `${out.join("\n")}\n`;
}

/** A change a diff does not show; null for a file's new content (its diff shows it). */
function describe(c: ReviewedChange): string | null {
  switch (c.kind) {
    case "write-file":
      return null;
    case "run":
      return t("summary.run", { command: c.display ?? c.command, reason: c.reason });
    case "upload":
      return t("summary.upload", { local: c.local, path: c.path, sha: c.sha256.slice(0, 12) });
    case "extract":
      return t("summary.extract", { archive: c.archive, dest: c.dest });
    default:
      return `${c.kind} ${c.path}`;
  }
}
