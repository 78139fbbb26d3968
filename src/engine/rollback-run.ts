import type { Host } from "../inventory/types.js";
import { connect as connectTransport } from "../transport/connect.js";
import type { ConnectSpec, HostKeyPolicy, Transport } from "../transport/types.js";
import { operatorId } from "../who.js";
import { localContext } from "./build-work.js";
import { HostSession } from "./host-session.js";
import { mapPool } from "./pool.js";
import { fromBase64 } from "./probe-script.js";
import { remoteShell, sudoRefusal } from "./remote-shell.js";
import { buildRestoreScript } from "./restore-script.js";
import type { HostResult, RunReport, StepResult } from "./results.js";
import type { RunEvent } from "./run-playbook.js";
import { t } from "../i18n/t.js";

export interface RollbackOptions {
  /** The run undone, as the audit log recorded it. */
  of: { runId: string; playbook: string; playbookSha256: string; backupRoot: string };
  /** This rollback's own run id. */
  runId: string;
  /** Preview: read each host's record of the run and its files' sha256, decide as the rollback would, change nothing. */
  check: boolean;
  /** Also restore files changed since the run. */
  force: boolean;
  forks: number;
  /** Seconds to wait for another run's apply on the same host. */
  lockTimeout: number;
  hostKeyPolicy?: HostKeyPolicy;
  sshConfig?: string;
  /** The rollback that already put a file back (`run <id> at <time>`, from the audit log); null when none did. */
  restoredBy?: (host: string, path: string) => string | null;
  onEvent?: (event: RunEvent) => void;
  /** Ctrl-C: hosts not yet started are left alone; hosts in flight finish. */
  signal?: AbortSignal;
  connect?: (spec: ConnectSpec) => Promise<Transport>;
}

/**
 * Undo a past run on each of its hosts, in parallel up to `forks`, over one connection and one exec per host: the
 * restore script (restore-script.ts) decides per file, under the host's apply lock, and its records become the
 * same report a run makes, one step per file then the handlers. A check runs the same script read-only, so its
 * preview reaches the statuses the rollback would.
 */
export async function rollbackRun(hosts: readonly Host[], opts: RollbackOptions): Promise<RunReport> {
  const started = Date.now();
  const emit = (e: RunEvent): void => opts.onEvent?.(e);
  const ctx = localContext(".");
  const since = new Date(started).toISOString().replace(/\.\d+Z$/, "Z");
  const sessionOpts = { runId: opts.of.runId, playbook: opts.of.playbook, backupRoot: opts.of.backupRoot, lockTimeout: opts.lockTimeout, readLocal: ctx.readLocal, connect: opts.connect ?? connectTransport, ...(opts.hostKeyPolicy ? { hostKeyPolicy: opts.hostKeyPolicy } : {}), ...(opts.sshConfig ? { sshConfig: opts.sshConfig } : {}) };
  const one = async (host: Host): Promise<HostResult> => {
    const s = new HostSession({ host, generation: null, steps: [], handlers: [], verify: [], extraProbes: [], ctx, context: {} }, sessionOpts);
    try {
      if (opts.signal?.aborted) {
        s.result.status = "not-started";
        s.result.error = "interrupted before this host started (Ctrl-C)";
        return s.result;
      }
      emit({ host: host.name, phase: "connect" });
      if (!(await s.connect()) || !s.transport) return s.result;
      emit({ host: host.name, phase: opts.check ? "probe" : "rollback" });
      const shell = remoteShell(host);
      const runDir = `${s.backupRoot}/${opts.of.runId}`;
      const owner = `rollback ${opts.runId} of run ${opts.of.runId} by ${operatorId()}, since ${since}`;
      const script = buildRestoreScript(runDir, s.stateDir, opts.force, { check: opts.check, lockTimeout: opts.lockTimeout, owner });
      const res = await s.transport.exec(shell.command, { stdin: shell.stdinPrefix + script, onStdout: lockWaits((holder) => emit({ host: host.name, phase: "lock-wait", holder })) });
      s.result.durations[opts.check ? "probeMs" : "applyMs"] = res.durationMs;
      const stderr = res.stderr.toString("utf8");
      readRestore(s.result, res.stdout.toString("utf8"), { ...opts, runDir, stopped: sudoRefusal(host, stderr) ?? `the rollback stopped early (exit ${res.exitCode}): ${stderr.trim().split("\n").slice(-3).join(" ") || "connection lost?"}` });
    } catch (err) {
      s.result.status = "failed";
      s.result.error = (err as Error).message;
    } finally {
      await s.close();
      emit({ host: host.name, phase: "done", result: s.result });
    }
    return s.result;
  };
  const results = await mapPool(hosts, opts.forks, one);
  return { runId: opts.runId, playbook: opts.of.playbook, playbookSha256: opts.of.playbookSha256, check: opts.check, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, hosts: results, refused: [], batches: [] };
}

/** `W <holder>` comes first when the host's lock is taken: the display says who holds it while this waits. */
function lockWaits(notify: (holder: string) => void): (chunk: Buffer) => void {
  let head = "";
  let done = false;
  return (chunk) => {
    if (done) return;
    head += chunk.toString("utf8");
    const lines = head.split("\n");
    for (const line of lines.slice(0, -1)) {
      const m = /^W ?(\S*)$/.exec(line);
      if (m) notify(fromBase64(m[1]) || "another bkplay run");
      else done = true;
    }
    head = lines.at(-1) ?? "";
  };
}

const step = (name: string, fields: Partial<StepResult>): StepResult => ({ name, type: "restore", handler: false, notify: [], status: "ok", changes: [], diffs: [], messages: [], commands: [], ...fields });

const sha = (s: string | undefined): string | null => (s === undefined || s === "none" || s === "other" ? null : s);

/** Fold the restore script's records into a host's result: a step per file, then the handlers, and the host's outcome. */
function readRestore(h: HostResult, stdout: string, o: RollbackOptions & { runDir: string; stopped: string }): void {
  const of = o.of.runId;
  const would = o.check;
  let error: string | undefined;
  let complete = false;
  for (const [field, a, b, c, d, e] of stdout.split("\n").map((l) => l.split(" "))) {
    const path = fromBase64(a);
    if (field === "R") {
      const backup = d === undefined || d === "-" ? "" : fromBase64(d);
      const created = c === "none";
      const verb = created ? (would ? "would remove" : "removed") : would ? "would restore" : "restored";
      h.steps.push(step(path, { status: "changed", notify: (e === "-" ? "" : fromBase64(e)).split(",").filter((n) => n !== ""), messages: [`${verb} ${path}${created ? ` (run ${of} created it)` : ""}`] }));
      if (!would) h.files.push({ path, beforeSha256: sha(b), afterSha256: sha(c), ...(backup ? { backup } : {}) });
    } else if (field === "S") {
      const why = t("rollback.changedSince", { run: of, now: b === "none" ? t("rollback.absent") : (b ?? "?") });
      h.steps.push(step(path, { status: "not-run", error: why, messages: [t(would ? "rollback.wouldRefuse" : "rollback.refusedPath", { path, why })] }));
    } else if (field === "A") {
      const by = o.restoredBy?.(h.host, path);
      h.steps.push(step(path, { status: "ok", messages: [by ? t("rollback.alreadyBy", { path, by }) : t("rollback.alreadyAsBefore", { path, run: of })] }));
    } else if (field === "F") {
      const why = would ? t("rollback.backupMissing", { dir: o.runDir }) : t("rollback.couldNotRestore", { path, dir: o.runDir });
      h.steps.push(step(path, { status: "failed", error: why, messages: [`${path}: ${why}`] }));
      error ??= why;
    } else if (field === "K" || field === "H") {
      const name = fromBase64(a);
      const command = fromBase64(field === "K" ? b : c);
      const by = h.steps.filter((s) => s.type === "restore" && s.status === "changed" && s.notify.includes(name)).map((s) => s.name);
      const reason = t(by.length === 1 ? "rollback.notifies.one" : "rollback.notifies.many", { what: by.length === 1 ? (by[0] ?? "") : t("count.files.many", { n: by.length }), would: would ? t("rollback.wouldBe") : "" });
      const handler: StepResult = { ...step(name, { type: "run", handler: true, status: "changed" }), changes: [{ kind: "run", command, reason }] };
      if (field === "H") {
        const exitCode = Number(b);
        const stderr = fromBase64(d);
        handler.commands.push({ command, exitCode, stdout: "", stderr });
        if (exitCode !== 0) {
          handler.status = "failed";
          handler.error = `${stderr.trim().split("\n").at(-1) ?? ""} (exit ${exitCode})`.trim();
          error ??= `handler ${name}: ${handler.error}`;
        }
      }
      h.steps.push(handler);
    } else if (field === "LOCKED") {
      error = t("rollback.locked", { record: fromBase64(a) || t("rollback.recordGone"), seconds: o.lockTimeout });
    } else if (field === "NOMANIFEST") {
      error = t("rollback.noRecord", { run: of, dir: o.runDir });
    } else if (field === "END") complete = true;
  }
  if (!complete) error ??= o.stopped;
  settle(h, error, of);
}

/** The host's outcome: failed, else refused where a file changed since, else changed where one was restored, else ok. */
function settle(h: HostResult, error: string | undefined, of: string): void {
  const files = h.steps.filter((s) => s.type === "restore");
  const refused = files.filter((s) => s.status === "not-run");
  if (error !== undefined) {
    h.status = "failed";
    h.error = error;
  } else if (refused.length > 0) {
    h.status = "refused";
    h.error = t(refused.length === 1 ? "rollback.leftChanged.one" : "rollback.leftChanged.many", { what: refused.length === 1 ? (refused[0]?.name ?? "") : t("count.files.many", { n: refused.length }), run: of });
  } else if (h.steps.some((s) => s.status === "changed")) h.status = "changed";
  else h.status = "ok";
}
