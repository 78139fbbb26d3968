import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { InputError, InternalError } from "../../errors.js";
import { checkFresh, isPlanner, plannerOf, type Approval, type ApprovedPlan } from "../../plan/approvals.js";
import { signedBytes } from "../../plan/canonical.js";
import { readPlanFile, writePlanFile } from "../../plan/plan-file.js";
import { agentKeys, signData, signerFingerprint } from "../../plan/ssh-signatures.js";
import { planSummary } from "../../report/plan-summary.js";
import { askLine, canAsk } from "../../transport/prompt.js";
import { now } from "../clock.js";
import { t } from "../../i18n/t.js";

export interface ApproveFlags {
  /** A private key, or a public key whose private half the agent holds. */
  key?: string;
  /** The principal the allowed_signers files list this reviewer's key under (default: the user name). */
  signerPrincipal?: string;
  yes?: boolean;
}

/** Show the plan, ask for a yes, and add the reviewer's SSH signature of its canonical bytes to its approvals. */
export async function approveCommand(file: string, flags: ApproveFlags): Promise<void> {
  const read = readPlanFile(file);
  const plan: ApprovedPlan = read.plan;
  checkFresh(read, now(), t("plan.noLongerApproved"));
  const principal = flags.signerPrincipal ?? userInfo().username;
  if (!flags.yes && !canAsk()) throw new InputError(t("approve.needsTerminal", { file }));
  const key = signingKey(flags.key);
  try {
    process.stdout.write(planSummary(file, plan));
    if (isPlanner(principal, plannerOf(plan))) process.stderr.write(`${t("approve.ownPlan", { principal })}\n`);
    if (!flags.yes) {
      const answer = await askLine(t("ask.approve", { file, principal, key: key.file }));
      if (answer === null) return;
      if (!/^y(es)?$/i.test(answer.trim())) {
        process.stdout.write(`${t("approve.notApproved", { file })}\n`);
        return;
      }
    }
    const data = signedBytes(plan);
    const signature = signData(data, key.file);
    const fingerprint = signerFingerprint(data, signature);
    if (fingerprint === null) throw new InternalError("ssh-keygen made a signature it cannot check");
    const approval: Approval = { principal, fingerprint, signature, time: now().toISOString() };
    // Read again: another reviewer may have approved the same file while this one read it.
    const latest: ApprovedPlan = readPlanFile(file).plan;
    if (!signedBytes(latest).equals(data)) throw new InputError(t("approve.changedMeanwhile", { file }));
    // Approving again with the same key replaces that key's earlier approval.
    const approvals = [...(latest.approvals ?? []).filter((a) => a.fingerprint !== fingerprint), approval];
    const approved: ApprovedPlan = { ...latest, approvals };
    writePlanFile(file, approved);
    process.stderr.write(`${t("approve.approved", { file, principal, fingerprint, approvals: approvals.map((a) => a.principal).join(", ") })}\n`);
  } finally {
    key.cleanUp();
  }
}

/**
 * The key to sign with: --key, else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa, else the agent's first key
 * (written to a temporary public key file, which ssh-keygen signs with through the agent).
 */
function signingKey(given: string | undefined): { file: string; cleanUp: () => void } {
  const none = (): void => undefined;
  if (given !== undefined) {
    if (!existsSync(given)) throw new InputError(t("approve.noKeyFile", { file: given }));
    return { file: given, cleanUp: none };
  }
  const own = ["id_ed25519", "id_ecdsa", "id_rsa"].map((k) => join(homedir(), ".ssh", k)).find((k) => existsSync(k));
  if (own !== undefined) return { file: own, cleanUp: none };
  const first = agentKeys()[0];
  if (first === undefined) throw new InputError(t("approve.noKey"));
  const dir = mkdtempSync(join(tmpdir(), "bkplay-key-"));
  const file = join(dir, "agent.pub");
  writeFileSync(file, `${first}\n`);
  return { file, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
}
