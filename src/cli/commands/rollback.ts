import { appendAudit, defaultLogDir, readAudit, type AuditEntry } from "../../audit/audit-log.js";
import { localContext } from "../../engine/build-work.js";
import { HostSession, type RestoreOutcome } from "../../engine/host-session.js";
import { mapPool } from "../../engine/pool.js";
import { EXIT, InputError } from "../../errors.js";
import { loadInventory } from "../../inventory/load.js";
import { painter } from "../../report/color.js";
import { connect } from "../../transport/connect.js";
import { checkSshConfigFile } from "../../transport/ssh-config.js";
import type { HostKeyPolicy } from "../../transport/types.js";
import { now } from "../clock.js";

export interface RollbackFlags {
  force?: boolean;
  logDir?: string;
  forks: number;
  hostKeyChecking?: HostKeyPolicy;
  sshConfig?: string;
  json?: boolean;
}

export function findRun(entries: AuditEntry[], runId: string): AuditEntry {
  const matches = entries.filter((e) => e.runId === runId || e.runId.startsWith(runId));
  const applied = matches.filter((e) => !e.check && e.hosts.some((h) => h.files.length > 0));
  if (matches.length === 0) throw new InputError(`no run '${runId}' in the audit log (see \`bkplay history\`)`);
  const run = applied.at(-1);
  if (!run) throw new InputError(`run '${runId}' changed no file: nothing to roll back`);
  return run;
}

/** Restore every file a past run changed (refusing files changed since, unless --force), then its handlers. */
export async function rollbackCommand(runId: string, flags: RollbackFlags): Promise<void> {
  checkSshConfigFile(flags.sshConfig);
  const logDir = flags.logDir ?? defaultLogDir();
  const run = findRun(readAudit(logDir), runId);
  const inventory = loadInventory(run.inventory);
  const targets = run.hosts.filter((h) => h.files.length > 0).map((h) => {
    const host = inventory.hosts.find((x) => x.name === h.host);
    if (!host) throw new InputError(`host ${h.host} of run ${run.runId} is no longer in ${run.inventory}`);
    return host;
  });
  const ctx = localContext(".");
  const outcomes = await mapPool(targets, flags.forks, async (host) => {
    const session = new HostSession({ host, generation: null, steps: [], handlers: [], verify: [], extraProbes: [], ctx, context: {} }, { runId: run.runId, playbook: run.playbook.name, backupRoot: run.backupRoot, lockTimeout: 60, readLocal: ctx.readLocal, connect, ...(flags.hostKeyChecking ? { hostKeyPolicy: flags.hostKeyChecking } : {}), ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}) });
    try {
      if (!(await session.connect())) return { host: host.name, error: session.result.error ?? "unreachable" };
      return { host: host.name, outcome: await session.restore(run.runId, Boolean(flags.force)) };
    } finally {
      await session.close();
    }
  });
  const c = painter(process.stdout);
  let code: number = EXIT.ok;
  for (const o of outcomes) {
    const r: RestoreOutcome | undefined = o.outcome;
    if (!r) {
      code = EXIT.hostFailed;
      if (!flags.json) process.stdout.write(`${c("red", o.host)}: ${o.error ?? ""}\n`);
      continue;
    }
    if (r.failed.length > 0 || !r.complete || r.handlers.some((h) => h.exitCode !== 0)) code = EXIT.hostFailed;
    else if (r.skipped.length > 0 && code === EXIT.ok) code = EXIT.drift;
    if (flags.json) continue;
    process.stdout.write(`${c("bold", o.host)}: restored ${r.restored.length}${r.noRecord ? " (no record of this run on the host)" : ""}\n`);
    for (const p of r.restored) process.stdout.write(`  ${c("green", "restored")} ${p}\n`);
    for (const s of r.skipped) process.stdout.write(`  ${c("yellow", "refused")}  ${s.path}: changed since run ${run.runId} (sha256 now ${s.sha256}); --force to restore anyway\n`);
    for (const p of r.failed) process.stdout.write(`  ${c("red", "failed")}   ${p}\n`);
    for (const h of r.handlers) process.stdout.write(`  handler ${h.name}: exit ${h.exitCode}\n`);
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ runId: run.runId, hosts: outcomes }, null, 2)}\n`);
  appendAudit(logDir, { ...run, runId: `${run.runId}-rollback`, time: now().toISOString(), command: "rollback", exitCode: code, batches: [], refused: [], hosts: outcomes.map((o) => ({ host: o.host, status: o.outcome ? "rolled-back" : "unreachable", files: [] })) });
  process.exitCode = code;
}
