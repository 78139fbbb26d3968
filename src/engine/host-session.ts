import { ConnectError } from "../errors.js";
import { operatorId } from "../who.js";
import type { Host } from "../inventory/types.js";
import type { ConnectSpec, HostKeyPolicy, Transport } from "../transport/types.js";
import { buildApplyScript } from "./apply-script.js";
import { readApplyOutput } from "./apply-result.js";
import { readGathered, type Gathered } from "./gathered.js";
import { HostFacts } from "./host-facts.js";
import { pendingFile, readPending, type Pending } from "./pending-handlers.js";
import { detectGeneration, detectionProblem, markerReader } from "../generations/markers.js";
import { planHost, type HostPlan } from "./plan-host.js";
import { buildProbeScript, fromBase64, probeKey } from "./probe-script.js";
import type { SourceHost, SourceHosts } from "./remote-files.js";
import { becomeUserOf, remoteShell, sudoRefusal } from "./remote-shell.js";
import { buildRestoreScript } from "./restore-script.js";
import type { HostResult, StepResult } from "./results.js";
import { readUndo } from "./undo-result.js";
import { verifyHost } from "./verify.js";
import { probesOf, type HostWork } from "./work.js";
import { t } from "../i18n/t.js";

export interface RestoreOutcome {
  restored: string[];
  skipped: { path: string; sha256: string }[];
  failed: string[];
  handlers: { name: string; exitCode: number }[];
  /** The run left no record on this host (it changed nothing here, or its backups were removed). */
  noRecord: boolean;
  complete: boolean;
}

/** The part of a host's plan that apply needs; a plan file carries exactly this. */
export type PlannedHost = Pick<HostPlan, "changes" | "owners" | "notifies"> & { steps: StepResult[] };

export interface SessionOptions {
  runId: string;
  /** The playbook's name: handlers owed on a host are owed by this playbook. */
  playbook: string;
  backupRoot: string;
  lockTimeout: number;
  hostKeyPolicy?: HostKeyPolicy;
  /** The ssh_config file (--ssh-config); default ~/.ssh/config. */
  sshConfig?: string;
  readLocal: (path: string) => Buffer;
  connect: (spec: ConnectSpec) => Promise<Transport>;
  /** The apply found another run's lock on this host and waits for it (`holder`: that run, as its record names it). */
  onLockWait?: (host: string, holder: string) => void;
}

export function connectSpecOf(host: Host, policy?: HostKeyPolicy, sshConfig?: string): ConnectSpec {
  const spec: ConnectSpec = {
    name: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    hostKeyPolicy: policy ?? host.ssh.host_key_checking,
    connection: host.ssh.connection,
    connectTimeoutMs: host.ssh.connect_timeout * 1000,
    defaulted: policy ? host.defaulted.filter((field) => field !== "hostKeyPolicy") : host.defaulted,
  };
  if (host.ssh.identity_file !== undefined) spec.identityFile = host.ssh.identity_file;
  if (host.ssh.known_hosts !== undefined) spec.knownHosts = host.ssh.known_hosts;
  if (host.ssh.passphrase_env !== undefined) spec.passphraseEnv = host.ssh.passphrase_env;
  if (host.ssh.password_env !== undefined) spec.passwordEnv = host.ssh.password_env;
  if (host.ssh.jump !== undefined) spec.jump = host.ssh.jump;
  if (sshConfig !== undefined) spec.sshConfig = sshConfig;
  return spec;
}

/**
 * The lock and the handlers owed, unless the inventory sets `bkplay_state_dir`: one place per host and remote
 * user (a user other than root cannot share root's lock, and cannot change root's files either).
 */
export const defaultStateDir = (user: string): string => (user === "root" ? "/var/tmp/bkplay/state" : `/var/tmp/bkplay-state-${user}`);

const newResult = (host: Host): HostResult => ({ host: host.name, address: host.address, status: "ok", steps: [], backups: [], files: [], notes: [], durations: { connectMs: 0, probeMs: 0, applyMs: 0 } });

/** One host across the phases of a run, over one connection. */
export class HostSession {
  readonly result: HostResult;
  transport?: Transport;
  plan?: PlannedHost;
  /** Predicted end state (for cross-host conditions); absent when the plan came from a plan file. */
  facts?: HostPlan["facts"];
  /** What the probe read, as it was on the host. */
  private gathered?: Gathered;
  /** Handlers an earlier run of the playbook still owes on this host, as the probe found them. */
  private pending: Pending[] = [];

  /** Where this host keeps its runs' backups and records: the inventory's `bkplay_backup_dir`, else --backup-dir. */
  readonly backupRoot: string;
  /** One fixed place per host, whatever the backup directory: the apply lock and the handlers owed. */
  readonly stateDir: string;

  constructor(readonly work: HostWork, private readonly opts: SessionOptions) {
    this.result = newResult(work.host);
    const own = work.host.vars.bkplay_backup_dir;
    this.backupRoot = typeof own === "string" && own !== "" ? own : opts.backupRoot;
    const state = work.host.vars.bkplay_state_dir;
    this.stateDir = typeof state === "string" && state !== "" ? state : defaultStateDir(becomeUserOf(work.host) ?? work.host.user);
  }

  get name(): string {
    return this.work.host.name;
  }

  get hasWork(): boolean {
    return this.work.steps.length > 0 || this.work.extraProbes.length > 0;
  }

  /** Connect once; a failure marks the host unreachable. */
  async connect(): Promise<boolean> {
    const t0 = Date.now();
    try {
      this.transport = await this.opts.connect(connectSpecOf(this.work.host, this.opts.hostKeyPolicy, this.opts.sshConfig));
      this.result.durations.connectMs = Date.now() - t0;
      return true;
    } catch (err) {
      this.result.status = err instanceof ConnectError ? "unreachable" : "failed";
      this.result.error = (err as Error).message;
      return false;
    }
  }

  /** Read every probe in one exec, then plan locally (a host whose steps read no other host's files). */
  async probeAndPlan(): Promise<void> {
    if (await this.probe()) this.makePlan();
  }

  /** Read every probe in one exec and find the host's generation; false when the host cannot be planned. */
  async probe(): Promise<boolean> {
    const transport = this.need();
    const owed = pendingFile(this.stateDir);
    const probes = dedupe([...probesOf(this.work), { kind: "file", path: owed }]);
    const shell = remoteShell(this.work.host);
    const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + buildProbeScript(probes) });
    this.result.durations.probeMs = res.durationMs;
    const { facts, complete } = readGathered(probes, res.stdout.toString("utf8"));
    this.gathered = facts;
    const stderr = res.stderr.toString("utf8");
    if (!complete || res.exitCode !== 0) throw new Error(sudoRefusal(this.work.host, stderr) ?? t("session.probeFailed", { code: res.exitCode, stderr: stderr.trim().slice(-300) }));
    const why = this.chooseGeneration(facts);
    if (why !== null) {
      this.result.status = "failed";
      this.result.error = why;
      return false;
    }
    this.pending = readPending(new HostFacts(facts).file(owed).content, this.opts.playbook);
    return true;
  }

  /** Plan locally from what the probe read; `sources`: the hosts whose files this host's steps take. */
  makePlan(sources?: SourceHosts): void {
    if (!this.gathered) throw new Error(`${this.name}: planned before it was read`);
    const plan = planHost(this.work, this.gathered, this.pending, sources);
    this.plan = plan;
    this.facts = plan.facts;
    this.result.steps = plan.steps;
    this.result.status = "ok";
    delete this.result.error;
    if (plan.failed) {
      this.result.status = "failed";
      this.result.error = plan.steps.find((s) => s.status === "failed")?.error ?? "a step failed";
    }
  }

  /** What this host's probe read, for the steps of hosts that take files from it (taken before any host is planned). */
  asSource(): SourceHost {
    const gathered = this.gathered;
    const error = gathered ? (this.result.status === "failed" ? this.result.error : undefined) : (this.result.error ?? `not read (${this.result.status})`);
    return {
      generation: this.work.generation,
      context: this.work.context,
      ...(error === undefined ? {} : { error }),
      file: (path) => {
        if (!gathered) throw new Error(`${this.name}: not read`);
        return new HostFacts(gathered).file(path);
      },
    };
  }

  /**
   * A file as the probe found it, by its path or real path: its sha256, `none` when absent, `other` when not a regular
   * file; undefined when it was not read.
   */
  observed(path: string): string | undefined {
    for (const fact of this.gathered?.values() ?? []) {
      if (fact === null || Array.isArray(fact) || !("path" in fact) || (fact.path !== path && fact.realPath !== path)) continue;
      return !fact.exists ? "none" : fact.type === "file" ? fact.sha256 : "other";
    }
    return undefined;
  }

  /** The variant of the generation the markers show (or the inventory pins); a reason when there is none. */
  private chooseGeneration(gathered: Gathered): string | null {
    const { candidates } = this.work;
    if (!candidates) {
      if (this.work.generation !== null) this.result.generation = { name: this.work.generation, from: "inventory" };
      return null;
    }
    const facts = new HostFacts(gathered);
    const found = detectGeneration(candidates.markers, markerReader(facts));
    if (found.kind !== "found") return detectionProblem(found);
    const variant = candidates.variants.find((v) => v.generation === found.generation);
    if (!variant) return `no work rendered for ${found.generation}`;
    const { problems, ...chosen } = variant;
    // In place: cross-host reads look the work up to render their paths for this generation.
    Object.assign(this.work, chosen);
    delete this.work.candidates;
    this.result.generation = { name: found.generation, from: found.markers.join(", ") };
    if (problems.length === 0) return null;
    return `as a ${found.generation} host: ${problems.map((p) => p.message.replace(/^host \S+: /, "")).join("; ")}`;
  }

  /** Execute the planned changes and notified handlers in one exec. */
  async apply(): Promise<void> {
    const plan = this.plan;
    if (this.result.status === "failed") {
      // Its plan failed, so nothing it planned was applied: the steps before the failure are not "changed".
      for (const st of this.result.steps) if (st.status === "changed" || st.status === "unknown") st.status = "not-run";
      return;
    }
    if (!plan || plan.changes.length === 0) {
      this.settle();
      return;
    }
    const transport = this.need();
    const shell = remoteShell(this.work.host);
    const handlerOf = plan.owners.map((o) => (plan.steps[o]?.handler ? plan.steps[o].name : undefined));
    const script = buildApplyScript(plan.changes, { runId: this.opts.runId, playbook: this.opts.playbook, stateDir: this.stateDir, backupRoot: this.backupRoot, lockTimeout: this.opts.lockTimeout, by: operatorId(), startedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"), readLocal: this.opts.readLocal, notifies: plan.notifies, handlerOf });
    const watch = this.lockWaitWatcher();
    const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + script, ...(watch ? { onStdout: watch } : {}) });
    this.result.durations.applyMs = res.durationMs;
    const out = { runDir: `${this.backupRoot}/${this.opts.runId}`, stdout: res.stdout.toString("utf8"), stderr: res.stderr.toString("utf8"), exitCode: res.exitCode };
    readApplyOutput(plan, this.result, out);
    readUndo(plan, this.result, out);
    // A command check mode could not predict has now run.
    for (const s of this.result.steps) if (s.status === "unknown") s.status = "changed";
    this.settle();
  }

  /**
   * The apply script's `0 W <holder>` record, printed when the host's lock is taken and it starts to wait, is
   * passed on at once: the display says "waiting for lock", not "applying", for as long as that lasts.
   */
  private lockWaitWatcher(): ((chunk: Buffer) => void) | undefined {
    const notify = this.opts.onLockWait;
    if (!notify) return undefined;
    let head = "";
    let done = false;
    return (chunk) => {
      if (done) return;
      head += chunk.toString("utf8");
      for (const line of head.split("\n").slice(0, -1)) {
        const m = /^0 W ?(\S*)$/.exec(line);
        if (m) notify(this.name, fromBase64(m[1]) || "another bkplay run");
      }
      // The record comes first, before any change is made; after the first change nothing more is looked for.
      done = /^\d+ [DBF]/m.test(head) || head.length > 65536;
      head = head.slice(head.lastIndexOf("\n") + 1);
    };
  }

  /** ok → changed when something was (or would be) changed. */
  settle(): void {
    if (this.result.status === "ok" && this.result.steps.some((s) => s.status === "changed" || s.status === "unknown")) this.result.status = "changed";
  }

  async verify(): Promise<string | null> {
    if (!this.transport || this.work.verify.length === 0) return null;
    return verifyHost(this.transport, remoteShell(this.work.host), this.work);
  }

  /** Put back every file run `runId` wrote here (where still as written, unless forced), then re-run their handlers. */
  async restore(runId: string, force: boolean): Promise<RestoreOutcome> {
    const transport = this.need();
    const shell = remoteShell(this.work.host);
    const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + buildRestoreScript(`${this.backupRoot}/${runId}`, this.stateDir, force) });
    const lines = res.stdout.toString("utf8").split("\n").map((l) => l.split(" "));
    const field = (f: string): string[][] => lines.filter((l) => l[0] === f);
    return {
      restored: field("R").map((l) => fromBase64(l[1])),
      skipped: field("S").map((l) => ({ path: fromBase64(l[1]), sha256: l[2] ?? "" })),
      failed: field("F").map((l) => fromBase64(l[1])),
      handlers: field("H").map((l) => ({ name: fromBase64(l[1]), exitCode: Number(l[2]) })),
      noRecord: field("NOMANIFEST").length > 0,
      complete: field("END").length > 0,
    };
  }

  /** Undo this run's batch on this host after a failed verify. */
  async rollBack(reason: string): Promise<void> {
    const r = await this.restore(this.opts.runId, false);
    this.result.status = "rolled-back";
    this.result.error = t("session.rolledBack", { reason, count: r.restored.length, left: r.skipped.length > 0 ? t("session.leftChanged", { count: r.skipped.length, paths: r.skipped.map((s) => s.path).join(", ") }) : "", incomplete: r.complete ? "" : t("session.incomplete") });
  }

  async close(): Promise<void> {
    await this.transport?.close();
    delete this.transport;
  }

  private need(): Transport {
    if (!this.transport) throw new Error(`${this.name}: not connected`);
    return this.transport;
  }
}

function dedupe<T extends Parameters<typeof probeKey>[0]>(probes: T[]): T[] {
  const seen = new Set<string>();
  return probes.filter((p) => !seen.has(probeKey(p)) && Boolean(seen.add(probeKey(p))));
}
