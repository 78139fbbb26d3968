import { appliedBy } from "../../audit/applied.js";
import { defaultLogDir } from "../../audit/audit-log.js";
import { InputError, type Problem } from "../../errors.js";
import { howToGiveSecret, type GivenVar } from "../../playbook/vars.js";
import { checkSecretsAgainst, comparable, readPlanFile, sha256File, type ReadPlan, type ReviewedChange } from "../../plan/plan-file.js";
import { execute, secretsOf, type ExecFlags } from "../execute.js";
import { loadInputsAsking } from "../load-inputs.js";
import { approvedOrRefused } from "../plan-approval.js";
import type { ApprovalPolicy } from "../../plan/approvals.js";
import { t } from "../../i18n/t.js";

export interface ApplyFlags extends ExecFlags, ApprovalPolicy {
  extraVar: string[];
  varsFile?: string;
  allowDrift?: "replan";
}

/** Apply exactly a reviewed plan: each host is read again and changed only if its changes are still the reviewed ones. */
export async function applyCommand(file: string, flags: ApplyFlags): Promise<void> {
  const read = readPlanFile(file);
  // Expired, or not approved as required: refused before anything else is read or contacted.
  const approvers = approvedOrRefused(read, flags);
  const { plan } = read;
  // Applied already: its files now differ from what the plan read, which is no drift to refuse.
  const done = appliedBy(flags.logDir ?? defaultLogDir(), plan.runId);
  if (done) {
    process.stdout.write(`${t("apply.alreadyApplied", { file, runId: done.runId, time: done.time, user: done.user })}\n`);
    return;
  }
  checkSources(read);
  // Values recorded in the plan are located there: a bad one names the plan file and its line.
  const preset: Record<string, GivenVar> = Object.fromEntries(Object.entries(plan.vars).map(([k, value]) => [k, { value, origin: `plan vars.${k}`, location: read.locate(["vars", k]) }]));
  // Secrets the plan left out are given again however the operator likes (asked for on a terminal), never required in argv.
  const again = (name: string): string => t("apply.secretAgain", { name, how: howToGiveSecret(name) });
  const inputs = await loadInputsAsking(plan.playbook.file, { inventory: plan.inventory.file, extraVar: flags.extraVar, preset, ...(plan.limit ? { limit: plan.limit } : {}), ...(flags.varsFile ? { varsFile: flags.varsFile } : {}) }, plan.secretVars, again);
  const secrets = secretsOf(inputs);
  checkSecretsAgainst(read, secrets, howToGiveSecret);
  const reviewed = new Set(Object.entries(plan.hosts).filter(([, h]) => h.status !== "unreachable" && h.status !== "failed").map(([name]) => name));
  await execute(inputs, { ...flags, ...(plan.limit ? { limit: plan.limit } : {}) }, {
    command: "apply",
    check: false,
    runId: plan.runId,
    reviewed: { hosts: reviewed, compare: (host, fresh, observed) => compareHost(read, host, fresh && comparable(fresh.changes, secrets), observed) },
    ...(flags.allowDrift === "replan" ? { replanOnDrift: true } : {}),
    ...(approvers ? { approvers } : {}),
  });
}

/** The playbook and inventory must be readable and the very files planned (sha256); each problem located in the plan. */
function checkSources({ plan, locate }: ReadPlan): void {
  const problems: Problem[] = [];
  for (const [key, what] of [["playbook", "playbook"], ["inventory", "inventory"]] as const) {
    const { file, sha256 } = plan[key];
    let now: string;
    try {
      now = sha256File(file);
    } catch (err) {
      problems.push({ message: t("apply.sourceUnreadable", { what, file, code: (err as NodeJS.ErrnoException).code ?? String(err) }), location: locate([key, "file"]), path: `${key}.file` });
      continue;
    }
    if (now !== sha256) problems.push({ message: t("apply.sourceChanged", { what, file }), location: locate([key, "sha256"]), path: `${key}.sha256` });
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** How a file was or is, for drift messages: its sha256, or what stands instead of a regular file. */
const state = (sha: string | null | undefined): string => (sha === null || sha === undefined || sha === "none" ? "(absent)" : sha === "other" ? "(not a regular file)" : sha);

/**
 * null when the host may be applied: every file the plan writes is still what it was planned against (as read now),
 * and the fresh changes are the reviewed ones. Otherwise what drifted, naming the file and both states.
 */
function compareHost({ plan }: ReadPlan, host: string, fresh: ReviewedChange[] | undefined, observed: (path: string) => string | undefined): string | null {
  const reviewed: ReviewedChange[] = plan.hosts[host]?.changes ?? [];
  const before = (list: ReviewedChange[]): Map<string, string | null> => new Map(list.flatMap((c) => (c.kind === "write-file" || c.kind === "upload" ? [[c.path, c.beforeSha256] as const] : [])));
  const was = before(reviewed);
  for (const [path, sha] of was) {
    const seen = observed(path);
    if (seen !== undefined && seen !== (sha ?? "none")) return t("drift.changed", { path, planned: state(sha), now: seen === "none" ? t("drift.deleted") : state(seen) });
  }
  // A host that could not be planned again, with its files as reviewed, keeps its own failure.
  if (fresh === undefined) return null;
  if (JSON.stringify(reviewed) === JSON.stringify(fresh)) return null;
  const drifted = sourceDrift(reviewed, fresh);
  if (drifted !== null) return drifted;
  const now = before(fresh);
  for (const [path, sha] of was) {
    if (now.has(path) && now.get(path) !== sha) return t("drift.changed", { path, planned: state(sha), now: state(now.get(path)) });
    if (!now.has(path)) return t("drift.needsOther", { path, planned: state(sha) });
  }
  const bytes = reviewed.find((c, i) => c.kind === "write-file" && JSON.stringify(c) !== JSON.stringify(fresh[i]));
  if (bytes && "path" in bytes) return t("drift.content", { path: bytes.path });
  return t("drift.changes", { host, now: fresh.length, reviewed: reviewed.length });
}

/** A file copied from another host whose source changed since the plan (the destination itself is as planned). */
function sourceDrift(reviewed: readonly ReviewedChange[], fresh: readonly ReviewedChange[]): string | null {
  const sources = (list: readonly ReviewedChange[]): Map<string, { host: string; path: string; sha256: string }> => new Map(list.flatMap((c) => (c.kind === "write-file" && c.source ? [[c.path, c.source] as const] : [])));
  const now = sources(fresh);
  for (const [path, was] of sources(reviewed)) {
    const is = now.get(path);
    const from = t("drift.sourceFrom", { host: was.host, source: was.path, path });
    if (is === undefined) return t("drift.sourceGone", { from, planned: was.sha256, path });
    if (is.sha256 !== was.sha256) return t("drift.sourceChanged", { from, planned: was.sha256, now: is.sha256 });
  }
  return null;
}
