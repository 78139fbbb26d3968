import { appendAudit, auditEntry, defaultLogDir } from "../audit/audit-log.js";
import { interruptOnCtrlC } from "./interrupt.js";
import { parseSerial } from "../engine/batches.js";
import { buildWork, localContext } from "../engine/build-work.js";
import { readFleetVars } from "../engine/fleet-reads.js";
import { connect } from "../transport/connect.js";
import { checkSshConfigFile } from "../transport/ssh-config.js";
import { invariantChecker } from "../engine/invariants.js";
import { exitCodeOf, type RunReport } from "../engine/results.js";
import { runPlaybook, type RollingOptions, type RunOptions } from "../engine/run-playbook.js";
import { InputError } from "../errors.js";
import { printRun } from "../report/print-run.js";
import { makeRedactor, redactDeep, type Redactor } from "../report/redact.js";
import type { HostKeyPolicy } from "../transport/types.js";
import { now } from "./clock.js";
import { askEachBatch } from "./confirm.js";
import type { Approver } from "../plan/approvals.js";
import type { Inputs } from "./load-inputs.js";
import { minutesLeft, parseWindow } from "./window.js";
import { t } from "../i18n/t.js";

/** Flags every executing command (run, plan, apply) shares. */
export interface ExecFlags {
  diff?: boolean;
  /** Messages show long commands and outputs whole. */
  verbose?: boolean;
  forks: number;
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
  backupDir: string;
  lockTimeout: number;
  json?: boolean;
  serial?: string;
  maxFailPercentage?: number;
  window?: string;
  tz?: string;
  confirmEachBatch?: boolean;
  partial?: boolean;
  logDir?: string;
  limit?: string;
}

export interface ExecMode {
  command: "run" | "plan" | "apply";
  check: boolean;
  runId: string;
  reviewed?: RunOptions["reviewed"];
  replanOnDrift?: boolean;
  onPlanned?: RunOptions["onPlanned"];
  /** apply: the reviewers whose approvals were verified, recorded in the audit log. */
  approvers?: Approver[];
}

/** Secret variables by name, as resolved for the hosts. */
export function secretsOf(inputs: Inputs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(inputs.playbook.vars)) {
    if (spec.secret !== true) continue;
    for (const values of inputs.built.vars.values()) {
      const v = values[name];
      if (v !== undefined && v !== null) out[name] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  return out;
}

export const givenValues = (inputs: Inputs): Record<string, unknown> => Object.fromEntries(Object.entries(inputs.given).map(([k, g]) => [k, g.value]));

/** Everything from flags to report: guard the window, run (in batches), print, append to the audit log, set the exit code. */
export async function execute(loaded: Inputs, flags: ExecFlags, mode: ExecMode): Promise<{ report: RunReport; redact: Redactor }> {
  checkSshConfigFile(flags.sshConfig);
  const { inputs, refused } = await withFleetReads(loaded, flags, mode);
  const { playbook, inventory, built, given } = inputs;
  const redact = makeRedactor(built.secrets);
  const rolling = rollingOptions(flags, mode);
  if (flags.hostKeyChecking === "off") process.stderr.write(`${t("cli.hostKeyOff")}\n`);
  const checkInvariants = invariantChecker(playbook, inventory, built, given);
  // listr2 is loaded only when it draws: a --json run never needs it.
  const progress = flags.json ? undefined : (await import("../report/progress.js")).startProgress(built.works.filter((w) => w.steps.length > 0).map((w) => w.host.name), `${playbook.name}${mode.check ? " (check)" : ""}`, redact, { check: mode.check });
  const stop = interruptOnCtrlC();
  const report = await runPlaybook(built.works, {
    signal: stop.signal,
    playbook,
    check: mode.check,
    forks: flags.forks,
    runId: mode.runId,
    backupRoot: flags.backupDir,
    lockTimeout: flags.lockTimeout,
    readLocal: localContext(playbook.dir).readLocal,
    ...(flags.hostKeyChecking ? { hostKeyPolicy: flags.hostKeyChecking } : {}),
    ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}),
    ...(checkInvariants ? { checkInvariants } : {}),
    ...(rolling ? { rolling } : {}),
    ...(mode.reviewed ? { reviewed: mode.reviewed } : {}),
    ...(mode.replanOnDrift ? { replanOnDrift: true } : {}),
    ...(flags.partial ? { partial: true } : {}),
    ...(refused.length > 0 ? { refused } : {}),
    ...(mode.onPlanned ? { onPlanned: mode.onPlanned } : {}),
    ...(progress ? { onEvent: (e) => progress.onEvent(e) } : {}),
  });
  report.hosts = report.hosts.filter((h) => h.steps.length > 0 || h.status !== "ok");
  await progress?.finish();
  stop.release();
  const exitCode = stop.signal.aborted ? 130 : exitCodeOf(report);
  if (flags.json) process.stdout.write(`${JSON.stringify(redactDeep(report, redact), null, 2)}\n`);
  else printRun(report, { diff: Boolean(flags.diff), verbose: Boolean(flags.verbose), redact, out: process.stdout });
  appendAudit(flags.logDir ?? defaultLogDir(), auditEntry(report, { command: mode.command, playbookFile: playbook.file, inventory: inventory.file, ...(flags.limit ? { limit: flags.limit } : {}), vars: givenValues(inputs), backupRoot: flags.backupDir, exitCode, redact, ...(mode.approvers ? { approvers: mode.approvers } : {}) }));
  process.exitCode = exitCode;
  return { report, redact };
}

/** Variables read on hosts (`read:`) are read first, then every host's steps are rendered with them. */
async function withFleetReads(inputs: Inputs, flags: ExecFlags, mode: ExecMode): Promise<{ inputs: Inputs; refused: string[] }> {
  const { playbook, inventory, given } = inputs;
  const { values: read, refused } = await readFleetVars(playbook, inventory, given, {
    forks: flags.forks,
    runId: mode.runId,
    playbook: playbook.name,
    backupRoot: flags.backupDir,
    lockTimeout: flags.lockTimeout,
    readLocal: localContext(playbook.dir).readLocal,
    connect,
    ...(flags.hostKeyChecking ? { hostKeyPolicy: flags.hostKeyChecking } : {}),
    ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}),
  });
  if (Object.keys(read).length === 0) return { inputs, refused };
  const all = { ...read, ...given };
  return { inputs: { ...inputs, given: all, built: buildWork(playbook, inventory, inputs.built.works.map((w) => w.host), all) }, refused };
}


function rollingOptions(flags: ExecFlags, mode: ExecMode): RollingOptions | undefined {
  const window = flags.window ? parseWindow(flags.window, flags.tz) : undefined;
  if (flags.confirmEachBatch && !process.stdin.isTTY) throw new InputError(t("cli.confirmNeedsTerminal"));
  if (window && !mode.check) {
    const left = minutesLeft(window, now());
    if (left === null) throw new InputError(t("cli.outsideWindow", { window: window.text, now: now().toISOString() }));
  }
  if (!flags.serial && !window && !flags.confirmEachBatch) return undefined;
  const confirm = flags.confirmEachBatch ? askEachBatch() : undefined;
  return {
    ...(flags.serial ? { serial: parseSerial(flags.serial) } : {}),
    // With rolling batches the safe default is to stop at the first failed host.
    maxFailPercentage: flags.maxFailPercentage ?? (flags.serial ? 0 : 100),
    beforeBatch: async (index, hosts, slowestMs, previous) => {
      if (window) {
        const left = minutesLeft(window, now());
        if (left === null) return t("window.closed", { window: window.text });
        if (index > 0 && left * 60_000 < slowestMs) return t("window.short", { left: left.toFixed(0), window: window.text, slowest: (slowestMs / 60_000).toFixed(1) });
      }
      return confirm ? confirm(index, hosts, previous) : null;
    },
  };
}
