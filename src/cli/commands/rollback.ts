import { appendAudit, defaultLogDir, readAudit, type AuditEntry } from "../../audit/audit-log.js";
import { interruptOnCtrlC } from "../interrupt.js";
import { findRun } from "../../audit/find-run.js";
import { rollbackAuditEntry } from "../../audit/rollback-entry.js";
import { restoredBy } from "../../audit/rolled-back.js";
import { exitCodeOf, type RunReport } from "../../engine/results.js";
import { rollbackRun, type RollbackOptions } from "../../engine/rollback-run.js";
import { InputError } from "../../errors.js";
import type { Host } from "../../inventory/types.js";
import { loadInventory } from "../../inventory/load.js";
import { printRun } from "../../report/print-run.js";
import { askLine } from "../../transport/prompt.js";
import { checkSshConfigFile } from "../../transport/ssh-config.js";
import type { HostKeyPolicy } from "../../transport/types.js";
import { newRunId } from "./run.js";
import { t } from "../../i18n/t.js";

export interface RollbackFlags {
  force?: boolean;
  /** Preview only: what would be restored and run, per host; nothing changes. */
  check?: boolean;
  /** Roll back without asking (the only way without a terminal). */
  yes?: boolean;
  logDir?: string;
  forks: number;
  lockTimeout: number;
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
  json?: boolean;
  verbose?: boolean;
}

const onTerminal = (): boolean => process.stdin.isTTY && process.stdout.isTTY;

/**
 * Restore every file a past run changed (refusing files changed since, unless --force), then its handlers, through the
 * engine like run and apply. `--check` previews it; on a terminal the preview is shown and a yes asked for first.
 */
export async function rollbackCommand(id: string, flags: RollbackFlags): Promise<void> {
  checkSshConfigFile(flags.sshConfig);
  const logDir = flags.logDir ?? defaultLogDir();
  const entries = readAudit(logDir);
  const run = findRun(entries, id);
  const ask = !flags.check && !flags.yes;
  if (ask && (flags.json || !onTerminal())) {
    throw new InputError(t("rollback.needsTerminal", { runId: run.runId, playbook: run.playbook.name, time: run.time, json: flags.json ? t("rollback.withJson") : "" }));
  }
  const hosts = hostsOf(run);
  const opts: RollbackOptions = {
    of: { runId: run.runId, playbook: run.playbook.name, playbookSha256: run.playbook.sha256, backupRoot: run.backupRoot },
    runId: newRunId(),
    check: Boolean(flags.check),
    force: Boolean(flags.force),
    forks: flags.forks,
    lockTimeout: flags.lockTimeout,
    restoredBy: restoredBy(entries, run.runId),
    ...(flags.hostKeyChecking ? { hostKeyPolicy: flags.hostKeyChecking } : {}),
    ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}),
  };
  if (flags.hostKeyChecking === "off") process.stderr.write(`${t("cli.hostKeyOff")}\n`);
  if (ask) {
    const preview = await shown(hosts, { ...opts, check: true }, run, flags);
    const restoring = preview.hosts.filter((h) => h.steps.some((s) => s.type === "restore" && s.status === "changed"));
    if (restoring.length === 0) {
      process.stdout.write(`${t("rollback.nothing", { runId: run.runId })}\n`);
      process.exitCode = exitCodeOf(preview);
      return;
    }
    const answer = await askLine(t("ask.rollback", { runId: run.runId, what: question(preview) }));
    if (answer === null) return;
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stdout.write(`${t("rollback.cancelled")}\n`);
      return;
    }
  }
  const report = await shown(hosts, opts, run, flags);
  const exitCode = process.exitCode === 130 ? 130 : exitCodeOf(report);
  appendAudit(logDir, rollbackAuditEntry(report, run, exitCode));
  process.exitCode = exitCode;
}

/** The run's hosts that changed files, as the inventory it used names them now. */
function hostsOf(run: AuditEntry): Host[] {
  const inventory = loadInventory(run.inventory);
  return run.hosts.filter((h) => h.files.length > 0).map((h) => {
    const host = inventory.hosts.find((x) => x.name === h.host);
    if (!host) throw new InputError(t("rollback.hostGone", { host: h.host, runId: run.runId, inventory: run.inventory }));
    return host;
  });
}

/** Runs the rollback (or its preview) with the live display, then prints its report as run and apply print theirs. */
async function shown(hosts: readonly Host[], opts: RollbackOptions, run: AuditEntry, flags: RollbackFlags): Promise<RunReport> {
  const title = `rollback of run ${run.runId} (${run.playbook.name})`;
  const progress = flags.json ? undefined : (await import("../../report/progress.js")).startProgress(hosts.map((h) => h.name), `${title}${opts.check ? " (check)" : ""}`, (s) => s, { check: opts.check });
  const stop = interruptOnCtrlC();
  const report = await rollbackRun(hosts, { ...opts, signal: stop.signal, ...(progress ? { onEvent: (e) => progress.onEvent(e) } : {}) });
  await progress?.finish();
  stop.release();
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, rollbackOf: run.runId }, null, 2)}\n`);
  else printRun({ ...report, playbook: title }, { diff: false, verbose: Boolean(flags.verbose), redact: (s) => s, out: process.stdout });
  return report;
}

/** `restore 6 files on 3 hosts and run 4 handlers (2 files refused)`: what a yes will do. */
function question(preview: RunReport): string {
  const steps = preview.hosts.flatMap((h) => h.steps.map((s) => ({ host: h.host, s })));
  const files = steps.filter(({ s }) => s.type === "restore" && s.status === "changed");
  const handlers = steps.filter(({ s }) => s.handler).length;
  const refused = steps.filter(({ s }) => s.type === "restore" && s.status === "not-run").length;
  const hostCount = new Set(files.map((f) => f.host)).size;
  const n = (k: number, what: "files" | "hosts" | "handlers"): string => t(`count.${what}.${k === 1 ? "one" : "many"}`, { n: k });
  return t("ask.restore", { files: n(files.length, "files"), hosts: n(hostCount, "hosts"), handlers: handlers > 0 ? t("ask.andRun", { handlers: n(handlers, "handlers") }) : "", left: refused > 0 ? t("ask.leftChanged", { files: n(refused, "files") }) : "" });
}

