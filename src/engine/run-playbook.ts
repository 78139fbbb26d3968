import { ConnectError } from "../errors.js";
import type { Host } from "../inventory/types.js";
import { connect as connectTransport } from "../transport/connect.js";
import type { ConnectSpec, HostKeyPolicy, Transport } from "../transport/types.js";
import { buildApplyScript } from "./apply-script.js";
import { readApplyOutput } from "./apply-result.js";
import { readGathered } from "./gathered.js";
import { planHost, type HostPlan } from "./plan-host.js";
import { mapPool } from "./pool.js";
import { buildProbeScript, probeKey } from "./probe-script.js";
import { remoteShell, type RemoteShell } from "./remote-shell.js";
import type { HostResult, RunReport } from "./results.js";
import { probesOf, type HostWork } from "./work.js";

export type RunEvent =
  | { host: string; phase: "connect" | "probe" | "apply" }
  | { host: string; phase: "done"; result: HostResult };

export interface RunOptions {
  playbook: { name: string; sha256: string };
  check: boolean;
  forks: number;
  runId: string;
  backupRoot: string;
  /** Overrides every host's policy (from --host-key-checking). */
  hostKeyPolicy?: HostKeyPolicy;
  readLocal: (path: string) => Buffer;
  /** Cross-host conditions on the predicted end state of every host; any message refuses the whole run. */
  checkInvariants?: (plans: ReadonlyMap<string, HostPlan>) => string[];
  onEvent?: (event: RunEvent) => void;
  connect?: (spec: ConnectSpec) => Promise<Transport>;
}


export function connectSpecOf(host: Host, policy?: HostKeyPolicy): ConnectSpec {
  const spec: ConnectSpec = {
    name: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    hostKeyPolicy: policy ?? host.ssh.host_key_checking,
    connection: host.ssh.connection,
    connectTimeoutMs: host.ssh.connect_timeout * 1000,
  };
  if (host.ssh.identity_file !== undefined) spec.identityFile = host.ssh.identity_file;
  if (host.ssh.known_hosts !== undefined) spec.knownHosts = host.ssh.known_hosts;
  return spec;
}

/**
 * Per host: connect once, gather every probe in one exec, plan locally, then apply every change (and the
 * notified handlers) in one exec. Hosts run in parallel up to `forks`; a host's failure never stops another.
 * When the playbook has cross-host invariants, all hosts are planned before any applies.
 */
export async function runPlaybook(works: readonly HostWork[], opts: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const connectTo = opts.connect ?? connectTransport;
  const report: RunReport = { runId: opts.runId, playbook: opts.playbook.name, playbookSha256: opts.playbook.sha256, check: opts.check, startedAt: new Date(started).toISOString(), durationMs: 0, hosts: [], refused: [] };
  const emit = (e: RunEvent): void => opts.onEvent?.(e);

  type Prepared = { host: Host; result: HostResult; transport?: Transport; plan?: HostPlan };
  const prepare = async (work: HostWork): Promise<Prepared> => {
    const result: HostResult = { host: work.host.name, address: work.host.address, status: "ok", steps: [], backups: [], durations: { connectMs: 0, probeMs: 0, applyMs: 0 } };
    let transport: Transport | undefined;
    if (work.steps.length === 0 && work.extraProbes.length === 0) return { host: work.host, result };
    try {
      emit({ host: work.host.name, phase: "connect" });
      const t0 = Date.now();
      transport = await connectTo(connectSpecOf(work.host, opts.hostKeyPolicy));
      result.durations.connectMs = Date.now() - t0;
      emit({ host: work.host.name, phase: "probe" });
      const probes = dedupe(probesOf(work));
      const shell = remoteShell(work.host);
      const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + buildProbeScript(probes) });
      result.durations.probeMs = res.durationMs;
      const { facts, complete } = readGathered(probes, res.stdout.toString("utf8"));
      if (!complete || res.exitCode !== 0) throw new ConnectError(work.host.name, `probe failed (exit ${res.exitCode}): ${res.stderr.toString("utf8").trim().slice(-300)}`);
      const plan = planHost(work, facts);
      result.steps = plan.steps;
      if (plan.failed) {
        result.status = "failed";
        result.error = plan.steps.find((s) => s.status === "failed")?.error ?? "a step failed";
      }
      return { host: work.host, result, transport, plan };
    } catch (err) {
      await transport?.close();
      result.status = err instanceof ConnectError && !transport ? "unreachable" : "failed";
      result.error = (err as Error).message;
      return { host: work.host, result };
    }
  };

  const finish = async (p: Prepared, refused: boolean): Promise<HostResult> => {
    const { result, transport, plan } = p;
    try {
      if (plan && transport && !plan.failed && !refused) {
        if (!opts.check && plan.changes.length > 0) await apply(transport, remoteShell(p.host), plan, result, opts, emit);
        if (result.status === "ok" && result.steps.some((s) => s.status === "changed" || s.status === "unknown")) result.status = "changed";
      }
      if (refused && result.status === "ok") result.status = "not-started";
    } catch (err) {
      result.status = "failed";
      result.error = (err as Error).message;
    } finally {
      await transport?.close();
    }
    emit({ host: result.host, phase: "done", result });
    return result;
  };

  if (opts.checkInvariants) {
    const prepared = await mapPool(works, opts.forks, prepare);
    const plans = new Map(prepared.flatMap((p) => (p.plan ? [[p.result.host, p.plan] as const] : [])));
    report.refused = opts.checkInvariants(plans);
    report.hosts = await Promise.all(prepared.map((p) => finish(p, report.refused.length > 0)));
  } else {
    report.hosts = await mapPool(works, opts.forks, async (w) => finish(await prepare(w), false));
  }
  report.durationMs = Date.now() - started;
  return report;
}

async function apply(transport: Transport, shell: RemoteShell, plan: HostPlan, result: HostResult, opts: RunOptions, emit: (e: RunEvent) => void): Promise<void> {
  emit({ host: result.host, phase: "apply" });
  const script = buildApplyScript(plan.changes, { runId: opts.runId, backupRoot: opts.backupRoot, readLocal: opts.readLocal });
  const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + script });
  result.durations.applyMs = res.durationMs;
  readApplyOutput(plan, result, res.stdout.toString("utf8"), res.stderr.toString("utf8"), res.exitCode);
}

function dedupe<T extends Parameters<typeof probeKey>[0]>(probes: T[]): T[] {
  const seen = new Set<string>();
  return probes.filter((p) => !seen.has(probeKey(p)) && Boolean(seen.add(probeKey(p))));
}
