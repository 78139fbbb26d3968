import { userInfo } from "node:os";
import { checkApprovals, checkFresh, type ApprovalPolicy, type ApprovedPlan, type Approver } from "../plan/approvals.js";
import type { ReadPlan } from "../plan/plan-file.js";
import { now } from "./clock.js";
import { t } from "../i18n/t.js";

/** `plan`'s flags for approvals: whose plan it is (by principal), and how long a review of it holds. */
export interface PlanApprovalFlags {
  signerPrincipal?: string;
  /** Milliseconds, from `--valid-for`. */
  validFor?: number;
}

/** The signed fields a plan adds for approvals: the planner's principal (default: the user name) and its expiry. */
export function planApprovalFields(flags: PlanApprovalFlags): Pick<ApprovedPlan, "createdByPrincipal" | "expiresAt"> {
  return {
    createdByPrincipal: flags.signerPrincipal ?? userInfo().username,
    ...(flags.validFor === undefined ? {} : { expiresAt: new Date(now().getTime() + flags.validFor).toISOString() }),
  };
}

/**
 * Before `apply` contacts any host: an expired plan is refused, and with --allowed-signers every approval must verify
 * and enough distinct reviewers must have approved. Returns the approvers counted (for the audit log).
 */
export function approvedOrRefused(read: ReadPlan, policy: ApprovalPolicy): Approver[] | undefined {
  checkFresh(read, now(), t("plan.noLongerApplied"));
  return checkApprovals(read, policy);
}
