import { InputError, type Problem } from "../errors.js";
import { signedBytes } from "./canonical.js";
import type { PlanFile, ReadPlan } from "./plan-file.js";
import { checkAllowedSigners, verifyData } from "./ssh-signatures.js";
import { t } from "../i18n/t.js";

/** One reviewer's approval, as the plan file carries it: an SSH signature (namespace bkplay-plan) of the plan's canonical bytes. */
export interface Approval {
  /** The principal the reviewer signed as: the name an allowed_signers file lists their key under. */
  principal: string;
  /** `SHA256:…` of the key that signed. */
  fingerprint: string;
  /** The armored `-----BEGIN SSH SIGNATURE-----` text `ssh-keygen -Y sign` wrote. */
  signature: string;
  time: string;
}

/** An approver as apply verified them, and as the audit log records them. */
export interface Approver {
  principal: string;
  fingerprint: string;
}

/** The plan's fields this feature adds. All but `approvals` are signed; `approvals` is left out of the signed bytes. */
export type ApprovedPlan = PlanFile & {
  /** The planner's principal (`plan --signer-principal`); absent: the user part of `createdBy`. */
  createdByPrincipal?: string;
  /** `plan --valid-for`: apply refuses the plan from this time on. */
  expiresAt?: string;
  approvals?: Approval[];
};

/** How `apply` is told to check approvals. */
export interface ApprovalPolicy {
  allowedSigners?: string;
  requireApprovals?: number;
  allowSelfApproval?: boolean;
}

/** The principal of whoever made the plan: the one recorded, else the user part of `createdBy` (`user@host`). */
export const plannerOf = (plan: ApprovedPlan): string => plan.createdByPrincipal ?? userPart(plan.createdBy);

const userPart = (id: string): string => id.split("@")[0] ?? id;

/**
 * A principal is the planner's when it is the planner's principal, or when their user parts (before any `@`) are the
 * same: `alice`, `alice@corp` and `alice@build-host` are one person. Erring this way refuses, never lets through.
 */
export const isPlanner = (principal: string, planner: string): boolean => principal === planner || userPart(principal) === userPart(planner);

/** An expired plan is refused (exit 2): a review is good for the window it was made for, not for ever. */
export function checkFresh({ plan, locate }: ReadPlan & { plan: ApprovedPlan }, at: Date, what: string): void {
  if (plan.expiresAt === undefined) return;
  const until = new Date(plan.expiresAt);
  if (at.getTime() < until.getTime()) return;
  throw new InputError({ message: t("plan.expired", { until: until.toISOString(), now: at.toISOString(), what }), location: locate(["expiresAt"]), path: "expiresAt" });
}

/**
 * Verifies every approval against `allowedSigners` (`ssh-keygen -Y verify`), before any host is contacted: one that
 * does not verify (the plan changed after it was signed, the signer is not allowed) refuses the plan, and so do fewer
 * distinct principals than required, self-approvals not counted unless allowed. Returns the approvers counted.
 */
export function checkApprovals({ file, plan, locate }: ReadPlan & { plan: ApprovedPlan }, policy: ApprovalPolicy): Approver[] | undefined {
  if (policy.allowedSigners === undefined) {
    if (policy.requireApprovals !== undefined || policy.allowSelfApproval) throw new InputError(t("plan.needsSigners"));
    const n = plan.approvals?.length ?? 0;
    if (n > 0) process.stderr.write(`${t(n > 1 ? "plan.unverified.many" : "plan.unverified.one", { file, n })}\n`);
    return undefined;
  }
  checkAllowedSigners(policy.allowedSigners);
  const required = policy.requireApprovals ?? 1;
  const data = signedBytes(plan);
  const planner = plannerOf(plan);
  const problems: Problem[] = [];
  const counted = new Map<string, Approver>();
  const self: string[] = [];
  const keys = new Set<string>();
  for (const [i, a] of (plan.approvals ?? []).entries()) {
    const at = { location: locate(["approvals", i]), path: `approvals.${i}` };
    const verdict = verifyData(data, a.signature, a.principal, policy.allowedSigners);
    if (!verdict.ok) {
      problems.push({ message: t("plan.approvalRefused", { principal: a.principal, time: a.time, why: verdict.why }), ...at });
      continue;
    }
    if (verdict.fingerprint !== a.fingerprint) {
      problems.push({ message: t("plan.approvalOtherKey", { principal: a.principal, recorded: a.fingerprint, signed: verdict.fingerprint }), ...at });
      continue;
    }
    // The planner's key signing under another of its principals is still the planner.
    if ([a.principal, ...verdict.principals].some((p) => isPlanner(p, planner)) && !policy.allowSelfApproval) {
      self.push(a.principal);
      continue;
    }
    // One key is one reviewer, whatever principals it is listed under.
    if (!counted.has(a.principal) && !keys.has(verdict.fingerprint)) counted.set(a.principal, { principal: a.principal, fingerprint: verdict.fingerprint });
    keys.add(verdict.fingerprint);
  }
  if (problems.length > 0) throw new InputError(problems);
  if (counted.size < required) {
    const who = counted.size > 0 ? ` (${[...counted.keys()].join(", ")})` : "";
    const selfNote = self.length > 0 ? t("plan.selfNotCounted", { planner, as: [...new Set(self)].join(", ") }) : "";
    throw new InputError({ message: t(counted.size === 1 ? "plan.notApproved.one" : "plan.notApproved.many", { count: counted.size, who, required, self: selfNote, file }), location: locate(plan.approvals ? ["approvals"] : []) });
  }
  return [...counted.values()];
}
