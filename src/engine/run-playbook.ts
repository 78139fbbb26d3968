import { connect as connectTransport } from "../transport/connect.js";
import type { ConnectSpec, HostKeyPolicy, Transport } from "../transport/types.js";
import { batchExceeds, splitBatches, type SerialSpec } from "./batches.js";
import { HostSession, type PlannedHost } from "./host-session.js";
import type { HostPlan } from "./plan-host.js";
import { changedSource, type SourceHosts } from "./remote-files.js";
import { mapPool } from "./pool.js";
import type { BatchReport, HostResult, RunReport } from "./results.js";
import type { HostWork } from "./work.js";
import { t } from "../i18n/t.js";

export type RunEvent =
  | { host: string; phase: "connect" | "probe" | "apply" | "verify" | "rollback" }
  /** The host's apply waits for another run's lock (`holder`: that run's record: run id, pid, since when). */
  | { host: string; phase: "lock-wait"; holder: string }
  | { host: string; phase: "done"; result: HostResult };

export interface RollingOptions {
  serial?: SerialSpec;
  /** See batchExceeds: a batch stops the run when more than this percent of its hosts failed. */
  maxFailPercentage: number;
  /** Asked before each batch with the slowest batch so far; a reason stops the run there. */
  beforeBatch?: (index: number, hosts: readonly string[], slowestMs: number, previous: readonly HostResult[]) => Promise<string | null>;
}

export interface RunOptions {
  playbook: { name: string; sha256: string };
  check: boolean;
  forks: number;
  runId: string;
  backupRoot: string;
  /** Seconds an apply waits for another run's apply on the same host (default 60). */
  lockTimeout?: number;
  /** Overrides every host's policy (from --host-key-checking). */
  hostKeyPolicy?: HostKeyPolicy;
  /** The ssh_config file (--ssh-config); default ~/.ssh/config. */
  sshConfig?: string;
  readLocal: (path: string) => Buffer;
  /** Cross-host conditions on the predicted end state of every host; any message refuses the whole run. */
  checkInvariants?: (plans: ReadonlyMap<string, HostPlan>) => string[];
  rolling?: RollingOptions;
  /**
   * A reviewed plan: each host is read and planned again, and applied only when the fresh changes are
   * exactly the reviewed ones (`compare` returns null); otherwise it is refused as drifted. `fresh` is undefined
   * when the host could not be planned again; `observed` is what the read found of a file (see HostSession.observed).
   */
  reviewed?: { hosts: ReadonlySet<string>; compare: (host: string, fresh: PlannedHost | undefined, observed: (path: string) => string | undefined) => string | null };
  /** On drift from a reviewed plan: apply the fresh plan (its diff is reported) instead of refusing. */
  replanOnDrift?: boolean;
  /** Apply the hosts that planned cleanly although others could not be planned (default: none is applied). */
  partial?: boolean;
  /** Found before planning (values read on hosts that disagree, say): no host is contacted, the report says why. */
  refused?: string[];
  onEvent?: (event: RunEvent) => void;
  /** Ctrl-C: hosts and batches not yet started are left alone; hosts in flight finish atomically. */
  signal?: AbortSignal;
  /** Every host's plan as soon as it is made (a plan file is written from these). */
  onPlanned?: (host: string, plan: PlannedHost) => void;
  connect?: (spec: ConnectSpec) => Promise<Transport>;
}

/**
 * Per host: connect once, gather every probe in one exec, plan locally, then apply every change (and the
 * notified handlers) in one exec. Hosts run in parallel up to `forks`; a host's failure never stops another.
 * With cross-host conditions, rolling batches, verify checks or a recorded plan, every host is planned
 * (or connected) first, then batches apply one after another.
 */
export async function runPlaybook(works: readonly HostWork[], opts: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const report: RunReport = { runId: opts.runId, playbook: opts.playbook.name, playbookSha256: opts.playbook.sha256, check: opts.check, startedAt: new Date(started).toISOString(), durationMs: 0, hosts: [], refused: [], batches: [] };
  const emit = (e: RunEvent): void => opts.onEvent?.(e);
  const sessionOpts = { runId: opts.runId, playbook: opts.playbook.name, backupRoot: opts.backupRoot, lockTimeout: opts.lockTimeout ?? 60, readLocal: opts.readLocal, connect: opts.connect ?? connectTransport, onLockWait: (host: string, holder: string) => emit({ host, phase: "lock-wait", holder }), ...(opts.hostKeyPolicy ? { hostKeyPolicy: opts.hostKeyPolicy } : {}), ...(opts.sshConfig ? { sshConfig: opts.sshConfig } : {}) };
  const sessions = works.map((w) => new HostSession(w, sessionOpts));

  const interrupted = (s: HostSession): boolean => {
    if (!opts.signal?.aborted) return false;
    leaveAlone(s, t("gate.interrupted"));
    return true;
  };
  const probe = async (s: HostSession): Promise<void> => {
    if (!s.hasWork || interrupted(s)) return;
    // A host only read for other hosts' steps (a source, an assert's side) is read whatever the reviewed plan holds.
    if (opts.reviewed && s.work.steps.length > 0 && !opts.reviewed.hosts.has(s.name)) {
      s.result.status = "not-started";
      s.result.error = t("gate.notReviewed");
      return;
    }
    emit({ host: s.name, phase: "connect" });
    if (!(await s.connect())) return;
    try {
      emit({ host: s.name, phase: "probe" });
      read.set(s, await s.probe());
    } catch (err) {
      s.result.status = "failed";
      s.result.error = (err as Error).message;
    }
  };
  const plan = (s: HostSession, sources: SourceHosts): void => {
    try {
      s.makePlan(sources);
      if (s.plan) opts.onPlanned?.(s.name, s.plan);
    } catch (err) {
      s.result.status = "failed";
      s.result.error = (err as Error).message;
    }
  };
  /** A file deleted or edited since the review is drift even where the step can no longer be planned. */
  const compare = (s: HostSession): void => {
    const planned = s.plan && s.result.status !== "failed" ? s.plan : undefined;
    const drift = opts.reviewed?.compare(s.name, planned, (path) => s.observed(path));
    if (!drift) return;
    if (opts.replanOnDrift && planned) s.result.steps.forEach((st) => st.messages.push(`re-planned: ${drift}`));
    else {
      s.result.status = "refused";
      s.result.error = drift;
      for (const st of s.result.steps) if (st.status === "changed" || st.status === "unknown") st.status = "not-run";
    }
  };
  const apply = async (s: HostSession): Promise<void> => {
    if (!s.transport || opts.check) {
      s.settle();
      return;
    }
    if (s.result.status === "refused" || interrupted(s)) return;
    if (s.plan?.changes.length) emit({ host: s.name, phase: "apply" });
    try {
      await s.apply();
    } catch (err) {
      s.result.status = "failed";
      s.result.error = (err as Error).message;
    }
  };
  // Once per host: after its batch (so the screen shows a batch's outcome before the next one is asked for), or at the end.
  const finished = new Set<HostSession>();
  const done = async (s: HostSession): Promise<HostResult> => {
    if (finished.has(s)) return s.result;
    finished.add(s);
    await s.close();
    emit({ host: s.name, phase: "done", result: s.result });
    return s.result;
  };

  if (opts.refused && opts.refused.length > 0) {
    report.refused = [...opts.refused];
    for (const s of sessions) if (s.hasWork) leaveAlone(s, t("gate.notStarted"));
    report.hosts = await Promise.all(sessions.map(done));
    report.durationMs = Date.now() - started;
    return report;
  }
  // The fleet plans before anyone applies: a host that cannot be planned stops every host (unless --partial).
  // Every host is read first, so a step may take a file another host read in its own round trip.
  /** Hosts whose probe answered: true when they can be planned (their generation is known). */
  const read = new Map<HostSession, boolean>();
  await mapPool(sessions, opts.forks, probe);
  const sources: SourceHosts = new Map(sessions.map((s) => [s.name, s.asSource()]));
  for (const [s, plannable] of read) if (plannable) plan(s, sources);
  refuseStaleSources(sessions);
  for (const s of read.keys()) compare(s);
  if (opts.checkInvariants) {
    report.refused = opts.checkInvariants(new Map(sessions.flatMap((s) => (s.plan && s.facts ? [[s.name, { ...s.plan, failed: false, facts: s.facts }] as const] : []))));
  }
  const unplanned = sessions.filter((s) => s.hasWork && UNPLANNED.has(s.result.status));
  if (unplanned.length > 0 && !opts.partial) report.refused.push(gateMessage(unplanned, opts.check));
  if (report.refused.length === 0) report.batches = await applyInBatches(sessions, opts, { apply, done }, emit);
  else {
    // Check mode still says what each host would do; an apply says that nothing was done.
    for (const s of sessions) {
      if (opts.check) s.settle();
      else if (s.work.steps.length > 0) leaveAlone(s, t("gate.notApplied"));
    }
  }
  report.hosts = await Promise.all(sessions.map(done));
  report.durationMs = Date.now() - started;
  return report;
}

/** A host whose file copied from another host is changed by the same run there cannot be planned (it would copy it stale). */
function refuseStaleSources(sessions: readonly HostSession[]): void {
  const byName = new Map(sessions.map((s) => [s.name, s]));
  for (const s of sessions) {
    const plan = s.plan;
    if (!plan || s.result.status === "failed") continue;
    for (const [i, c] of plan.changes.entries()) {
      const why = changedSource(c, (host) => byName.get(host)?.plan?.changes, (host, path) => byName.get(host)?.asSource().file(path).realPath ?? path);
      const step = s.result.steps[plan.owners[i] ?? -1];
      if (why === null || !step) continue;
      step.status = "failed";
      step.error = why;
      s.result.status = "failed";
      s.result.error = why;
    }
  }
}

/** Statuses a host has when its plan could not be made (or was refused against a reviewed plan). */
const UNPLANNED = new Set(["failed", "unreachable", "refused"]);

function gateMessage(unplanned: readonly HostSession[], check: boolean): string {
  const names = unplanned.map((s) => s.name);
  const shown = `${names.slice(0, 5).join(", ")}${names.length > 5 ? t("gate.andMore", { n: names.length - 5 }) : ""}`;
  return t(names.length > 1 ? "gate.refused.many" : "gate.refused.one", { count: names.length, shown, what: t(check ? "gate.checkNothing" : "gate.applyNothing") });
}

/** A host that is not applied: nothing it planned counts as done (a host whose plan failed keeps its failure). */
function leaveAlone(s: HostSession, why: string): void {
  for (const st of s.result.steps) if (st.status === "changed" || st.status === "unknown") st.status = "not-run";
  if (s.result.status !== "ok" && s.result.status !== "changed") return;
  s.result.status = "not-started";
  s.result.error ??= why;
}

async function applyInBatches(
  sessions: HostSession[],
  opts: RunOptions,
  host: { apply: (s: HostSession) => Promise<void>; done: (s: HostSession) => Promise<HostResult> },
  emit: (e: RunEvent) => void,
): Promise<BatchReport[]> {
  const batches = splitBatches(sessions.filter((s) => s.hasWork), opts.rolling?.serial);
  const reports: BatchReport[] = [];
  let slowest = 0;
  let stop: string | null = null;
  for (const [i, batch] of batches.entries()) {
    const names = batch.map((s) => s.name);
    batch.forEach((s) => (s.result.batch = i + 1));
    if (stop === null && opts.signal?.aborted) stop = "interrupted (Ctrl-C)";
    if (stop === null && !opts.check) stop = (await opts.rolling?.beforeBatch?.(i, names, slowest, (batches[i - 1] ?? []).map((s) => s.result))) ?? null;
    if (stop !== null) {
      // The recap says why, next to each host left alone.
      for (const s of batch) leaveAlone(s, t("gate.notStartedBecause", { why: stop }));
      reports.push({ hosts: names, status: "not-started", durationMs: 0, reason: stop });
      continue;
    }
    const t0 = Date.now();
    await mapPool(batch, opts.forks, host.apply);
    const report: BatchReport = { hosts: names, status: "applied", durationMs: 0 };
    if (!opts.check && batch.some((s) => s.work.verify.length > 0)) {
      const failures = (await mapPool(batch, opts.forks, async (s) => {
        emit({ host: s.name, phase: "verify" });
        const why = await s.verify();
        return why === null ? [] : [`${s.name}: ${why}`];
      })).flat();
      if (failures.length > 0) {
        await mapPool(batch, opts.forks, async (s) => {
          if (!s.transport || s.result.files.length === 0) return;
          emit({ host: s.name, phase: "rollback" });
          await s.rollBack(t("batch.verifyFailedIn", { n: i + 1 }));
        });
        report.status = "rolled-back";
        report.reason = t("batch.verifyFailed", { why: failures.join("; ") });
        stop = report.reason;
      } else report.status = "verified";
    }
    const failed = batch.filter((s) => ["failed", "unreachable", "refused"].includes(s.result.status)).length;
    if (stop === null && batchExceeds(failed, batch.length, opts.rolling?.maxFailPercentage ?? 100)) {
      report.status = "failed";
      report.reason = t("batch.tooManyFailed", { failed, total: batch.length, n: i + 1, max: opts.rolling?.maxFailPercentage ?? 100 });
      stop = report.reason;
    }
    report.durationMs = Date.now() - t0;
    slowest = Math.max(slowest, report.durationMs);
    reports.push(report);
    await Promise.all(batch.map(host.done));
  }
  return reports;
}
