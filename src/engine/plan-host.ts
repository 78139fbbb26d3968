import { StepError } from "../errors.js";
import type { Change, Probe } from "../steps/types.js";
import type { Gathered } from "./gathered.js";
import { handlerProblem } from "./handler-check.js";
import { HostFacts } from "./host-facts.js";
import type { Pending } from "./pending-handlers.js";
import type { AttrChange, FileDiff, StepResult, StepStatus } from "./results.js";
import { readRemote, type SourceHosts } from "./remote-files.js";
import type { HostWork, RenderedStep } from "./work.js";
import { t } from "../i18n/t.js";

export interface HostPlan {
  steps: StepResult[];
  /** What apply executes, in order: file writes to one path merged into one (planned against the original). */
  changes: Change[];
  /** For each change, the index in `steps` it came from (its last contributor for merged writes). */
  owners: number[];
  /** For each change, the handlers its steps notify (all contributors of a merged write). */
  notifies: string[][];
  failed: boolean;
  facts: HostFacts;
}

/**
 * Pure: turn one host's gathered facts into step results and the change list apply will run. Handlers owed
 * by an earlier run (`pending`) are run as if notified; a handler that could not run fails the host here,
 * before anything is written.
 */
export function planHost(work: HostWork, gathered: Gathered, pending: readonly Pending[] = [], sources?: SourceHosts): HostPlan {
  const facts = new HostFacts(gathered);
  const steps: StepResult[] = [];
  const changes: Change[] = [];
  const owners: number[] = [];
  const notifies: string[][] = [];
  /** Handler name → why it runs: the steps that notified it, and earlier runs that still owe it. */
  const notified = new Map<string, { steps: string[]; owedBy: string[] }>();
  const notify = (handler: string, why: { step?: string; owedBy?: string }): void => {
    const n = notified.get(handler) ?? { steps: [], owedBy: [] };
    if (why.step !== undefined) n.steps.push(why.step);
    if (why.owedBy !== undefined) n.owedBy.push(why.owedBy);
    notified.set(handler, n);
  };
  const unknownCommands: string[] = [];
  let failed = false;

  const planOne = (s: RenderedStep, handler: boolean): void => {
    const result: StepResult = { name: s.def.name, type: s.def.type, handler, notify: s.def.notify, status: "ok", changes: [], diffs: [], messages: [], commands: [] };
    steps.push(result);
    if (failed) {
      result.status = "not-run";
      return;
    }
    if (unknownCommands.length > 0 && dependsOnUnknown(s.type.probes(s.params, work.ctx), unknownCommands)) {
      result.status = "blocked";
      result.messages.push("depends on the outcome of a command that check mode cannot predict");
      return;
    }
    const cannot = handler ? handlerProblem(s, facts) : null;
    if (cannot !== null) {
      result.status = "failed";
      result.error = cannot;
      failed = true;
      return;
    }
    try {
      const diffsBefore = new Map<string, string>();
      const { params, files } = readRemote(s, work.generation, sources);
      facts.addRemote(files);
      const planned = s.type.plan(params, facts, work.ctx);
      const by = notified.get(s.def.name);
      // A handler runs because steps changed something: say which, rather than the command's own guard.
      const plan = handler && by ? { ...planned, unknown: false, changes: planned.changes.map((c) => (c.kind === "run" ? { ...c, reason: whyNotified(by) } : c)) } : planned;
      const attrs: AttrChange[] = [];
      for (const c of plan.changes) {
        if (c.kind === "write-file" && !diffsBefore.has(c.path)) diffsBefore.set(c.path, facts.contentAt(c.path));
        if (c.kind === "attrs" || c.kind === "mkdir") attrs.push(attrChange(c, facts));
        facts.record(c);
        addChange({ changes, owners, notifies }, c, steps.length - 1, s.def.notify);
      }
      result.changes = plan.changes.map(reportable);
      result.messages.push(...(plan.messages ?? []));
      result.diffs = [...diffsBefore].map(([path, before]): FileDiff => ({ path, before, after: facts.contentAt(path) }));
      if (attrs.length > 0) result.attrs = attrs;
      const status: StepStatus = plan.unknown ? "unknown" : plan.changes.length > 0 ? "changed" : "ok";
      result.status = status;
      if (status !== "ok") for (const n of s.def.notify) notify(n, { step: s.def.name });
      if (plan.unknown) unknownCommands.push(...plan.changes.flatMap((c) => (c.kind === "run" ? [c.command] : [])));
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      result.status = "failed";
      result.error = err.message;
      failed = true;
    }
  };

  for (const s of work.steps) planOne(s, false);
  for (const p of pending) if (work.handlers.some((h) => h.def.name === p.handler)) notify(p.handler, { owedBy: p.runId });
  for (const h of work.handlers) if (notified.has(h.def.name)) planOne(h, true);
  return { steps, changes, owners, notifies, failed, facts };
}

/** What an attribute change does, from the values read before any change of this run. */
function attrChange(c: Extract<Change, { kind: "attrs" | "mkdir" }>, facts: HostFacts): AttrChange {
  const was = c.kind === "attrs" ? facts.readAttrs(c.path) : undefined;
  const out: AttrChange = { path: c.path, type: c.kind === "mkdir" ? "dir" : (was?.type ?? "other"), ...(c.kind === "mkdir" ? { created: true } : {}) };
  if (c.mode !== undefined) out.mode = { from: was?.mode ?? null, to: c.mode };
  if (c.owner !== undefined) out.owner = { from: was?.owner ?? null, to: c.owner };
  if (c.group !== undefined) out.group = { from: was?.group ?? null, to: c.group };
  return out;
}

function whyNotified(by: { steps: readonly string[]; owedBy: readonly string[] }): string {
  return [...(by.steps.length > 0 ? [t("engine.notifiedBy", { steps: by.steps.join(", ") })] : []), ...by.owedBy.map((run) => t("engine.pendingFrom", { run }))].join("; ");
}

/** A command's stdin is where secrets travel (option files, passwords): reports show its `display`, never the stdin. */
function reportable(c: Change): Change {
  if (c.kind !== "run") return c;
  const { stdin: _secretChannel, ...shown } = c;
  return shown;
}

/** Later writes to a file already written this run merge into the first write (which holds the original sha). */
function addChange(list: Pick<HostPlan, "changes" | "owners" | "notifies">, c: Change, owner: number, notify: string[]): void {
  const at = c.kind === "write-file" ? list.changes.findIndex((x) => x.kind === "write-file" && x.path === c.path) : -1;
  const prev = list.changes[at];
  if (prev?.kind === "write-file" && c.kind === "write-file") {
    const merged = [...new Set([...(list.notifies[at] ?? []), ...notify])];
    for (const l of [list.changes, list.owners, list.notifies]) l.splice(at, 1);
    list.changes.push({ ...prev, ...c, beforeSha256: prev.beforeSha256 });
    list.owners.push(owner);
    list.notifies.push(merged);
    return;
  }
  list.changes.push(c);
  list.owners.push(owner);
  list.notifies.push(notify);
}

/** A step depends on an unpredictable command when it runs probe commands, or reads a path the command names. */
function dependsOnUnknown(probes: Probe[], commands: string[]): boolean {
  return probes.some((p) => p.kind === "command" || commands.some((c) => c.includes(p.path)));
}
