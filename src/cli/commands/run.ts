import { randomBytes } from "node:crypto";
import { runPlaybook } from "../../engine/run-playbook.js";
import { exitCodeOf } from "../../engine/results.js";
import { localContext } from "../../engine/build-work.js";
import { invariantChecker } from "../../engine/invariants.js";
import type { HostKeyPolicy } from "../../transport/types.js";
import { printRun } from "../../report/print-run.js";
import { startProgress } from "../../report/progress.js";
import { makeRedactor } from "../../report/redact.js";
import { loadInputs, type InputFlags } from "../load-inputs.js";

export interface RunFlags extends InputFlags {
  check?: boolean;
  diff?: boolean;
  forks: number;
  hostKeyChecking?: HostKeyPolicy;
  backupDir: string;
  json?: boolean;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomBytes(3).toString("hex")}`;
}

export async function runCommand(ref: string, flags: RunFlags): Promise<void> {
  const { playbook, inventory, built, given } = loadInputs(ref, flags);
  const redact = makeRedactor(built.secrets);
  if (flags.hostKeyChecking === "off") process.stderr.write("WARNING: host key checking is OFF: any machine can impersonate your hosts on this run.\n");
  const checkInvariants = invariantChecker(playbook, inventory, built, given);
  const hosts = built.works.map((w) => w.host.name);
  const progress = flags.json ? undefined : startProgress(hosts, `${playbook.name}${flags.check ? " (check)" : ""}`, redact);
  const report = await runPlaybook(built.works, {
    playbook,
    check: Boolean(flags.check),
    forks: flags.forks,
    runId: newRunId(),
    backupRoot: flags.backupDir,
    readLocal: localContext(playbook.dir).readLocal,
    ...(flags.hostKeyChecking ? { hostKeyPolicy: flags.hostKeyChecking } : {}),
    ...(checkInvariants ? { checkInvariants } : {}),
    ...(progress ? { onEvent: (e) => progress.onEvent(e) } : {}),
  });
  await progress?.finish();
  if (flags.json) process.stdout.write(`${redact(JSON.stringify(report, null, 2))}\n`);
  else printRun(report, { diff: Boolean(flags.diff), redact, out: process.stdout });
  process.exitCode = exitCodeOf(report);
}
