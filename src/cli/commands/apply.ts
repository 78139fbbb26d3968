import type { PlannedHost } from "../../engine/host-session.js";
import { InputError } from "../../errors.js";
import { comparable, readPlanFile, sha256File, type PlanFile } from "../../plan/plan-file.js";
import type { Change } from "../../steps/types.js";
import { execute, secretsOf, type ExecFlags } from "../execute.js";
import { loadInputs } from "../load-inputs.js";

export interface ApplyFlags extends ExecFlags {
  extraVar: string[];
  varsFile?: string;
  allowDrift?: "replan";
}

/** Apply exactly a reviewed plan: each host is read again and changed only if its changes are still the reviewed ones. */
export async function applyCommand(file: string, flags: ApplyFlags): Promise<void> {
  const plan = readPlanFile(file);
  const stale = [
    sha256File(plan.playbook.file) !== plan.playbook.sha256 ? `the playbook ${plan.playbook.file} changed since the plan was made` : "",
    sha256File(plan.inventory.file) !== plan.inventory.sha256 ? `the inventory ${plan.inventory.file} changed since the plan was made` : "",
  ].filter(Boolean);
  if (stale.length > 0) throw new InputError(`${stale.join("; ")}: make a new plan and have it reviewed`);
  const missing = plan.secretVars.filter((s) => !flags.extraVar.some((e) => e.startsWith(`${s}=`)) && !flags.varsFile);
  if (missing.length > 0) throw new InputError(`the plan leaves secrets out: give them again with ${missing.map((s) => `-e ${s}=…`).join(" ")}`);
  const inputs = loadInputs(plan.playbook.file, { inventory: plan.inventory.file, extraVar: flags.extraVar, preset: plan.vars, ...(plan.limit ? { limit: plan.limit } : {}), ...(flags.varsFile ? { varsFile: flags.varsFile } : {}) });
  const secrets = secretsOf(inputs);
  const reviewed = new Set(Object.entries(plan.hosts).filter(([, h]) => h.status !== "unreachable" && h.status !== "failed").map(([name]) => name));
  await execute(inputs, { ...flags, ...(plan.limit ? { limit: plan.limit } : {}) }, {
    command: "apply",
    check: false,
    runId: plan.runId,
    reviewed: { hosts: reviewed, compare: (host, fresh) => compareHost(plan, host, comparable(fresh.changes, secrets)) },
    ...(flags.allowDrift === "replan" ? { replanOnDrift: true } : {}),
  });
}

/** null when the fresh changes are the reviewed ones; otherwise what drifted, naming file and both hashes. */
function compareHost(plan: PlanFile, host: string, fresh: Change[]): string | null {
  const reviewed: Change[] = (plan.hosts[host] as Partial<PlannedHost> | undefined)?.changes ?? [];
  if (JSON.stringify(reviewed) === JSON.stringify(fresh)) return null;
  const before = (list: Change[]): Map<string, string | null> => new Map(list.flatMap((c) => (c.kind === "write-file" || c.kind === "upload" ? [[c.path, c.beforeSha256] as const] : [])));
  const was = before(reviewed);
  const now = before(fresh);
  for (const [path, sha] of was) {
    if (now.has(path) && now.get(path) !== sha) return `${path} changed since the plan: planned against sha256 ${sha ?? "(absent)"}, now ${now.get(path) ?? "(absent)"}`;
    if (!now.has(path)) return `${path} changed since the plan (planned against sha256 ${sha ?? "(absent)"}); it now needs no change or a different one`;
  }
  return `the changes for ${host} differ from the reviewed plan (${fresh.length} now, ${reviewed.length} reviewed)`;
}
