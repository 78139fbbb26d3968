import { writeFileSync } from "node:fs";
import type { PlannedHost } from "../../engine/host-session.js";
import { buildPlanFile, writePlanFile } from "../../plan/plan-file.js";
import { reviewMarkdown } from "../../report/review-md.js";
import { execute, givenValues, secretsOf, type ExecFlags } from "../execute.js";
import { howToGiveSecret } from "../../playbook/vars.js";
import { loadInputsAsking, type InputFlags } from "../load-inputs.js";
import { newRunId } from "./run.js";
import { planApprovalFields, type PlanApprovalFlags } from "../plan-approval.js";
import { t } from "../../i18n/t.js";

export interface PlanFlags extends InputFlags, ExecFlags, PlanApprovalFlags {
  output: string;
  report?: string;
}

/** Read every host, write the plan file (and a Markdown review); nothing on any host changes. */
export async function planCommand(ref: string, flags: PlanFlags): Promise<void> {
  const inputs = await loadInputsAsking(ref, flags);
  const plans = new Map<string, PlannedHost>();
  const { report, redact } = await execute(inputs, flags, { command: "plan", check: true, runId: newRunId(), onPlanned: (host, plan) => plans.set(host, plan) });
  const secrets = secretsOf(inputs);
  const plan = buildPlanFile(report, plans, { playbookFile: inputs.playbook.file, inventoryFile: inputs.inventory.file, ...(flags.limit ? { limit: flags.limit } : {}), vars: givenValues(inputs), secrets, secretNames: Object.entries(inputs.playbook.vars).filter(([, s]) => s.secret === true).map(([k]) => k), redact });
  writePlanFile(flags.output, { ...plan, ...planApprovalFields(flags) });
  if (flags.report) writeFileSync(flags.report, reviewMarkdown(report, { planFile: flags.output, inventory: inputs.inventory.file, vars: plan.vars }, redact));
  const again = plan.secretVars.map((s) => t("plan.giveSecretAgain", { name: s, how: howToGiveSecret(s) })).join("");
  process.stderr.write(`${t("plan.written", { file: flags.output, review: flags.report ? t("plan.reviewTo", { file: flags.report }) : "", secrets: again })}\n`);
}
