import { StepError } from "../errors.js";
import type { Change, Probe } from "../steps/types.js";
import type { Gathered } from "./gathered.js";
import { HostFacts } from "./host-facts.js";
import type { FileDiff, StepResult, StepStatus } from "./results.js";
import type { HostWork, RenderedStep } from "./work.js";

export interface HostPlan {
  steps: StepResult[];
  /** What apply executes, in order: file writes to one path merged into one (planned against the original). */
  changes: Change[];
  /** For each change, the index in `steps` it came from (its last contributor for merged writes). */
  owners: number[];
  failed: boolean;
  facts: HostFacts;
}

/** Pure: turn one host's gathered facts into step results and the change list apply will run. */
export function planHost(work: HostWork, gathered: Gathered): HostPlan {
  const facts = new HostFacts(gathered);
  const steps: StepResult[] = [];
  const changes: Change[] = [];
  const owners: number[] = [];
  const notified = new Set<string>();
  const unknownCommands: string[] = [];
  let failed = false;

  const planOne = (s: RenderedStep, handler: boolean): void => {
    const result: StepResult = { name: s.def.name, type: s.def.type, handler, status: "ok", changes: [], diffs: [], messages: [], commands: [] };
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
    try {
      const diffsBefore = new Map<string, string>();
      const plan = s.type.plan(s.params, facts, work.ctx);
      for (const c of plan.changes) {
        if (c.kind === "write-file" && !diffsBefore.has(c.path)) diffsBefore.set(c.path, facts.contentAt(c.path));
        facts.record(c);
        addChange(changes, owners, c, steps.length - 1);
      }
      result.changes = plan.changes.map(reportable);
      result.messages.push(...(plan.messages ?? []));
      result.diffs = [...diffsBefore].map(([path, before]): FileDiff => ({ path, before, after: facts.contentAt(path) }));
      const status: StepStatus = plan.unknown ? "unknown" : plan.changes.length > 0 ? "changed" : "ok";
      result.status = status;
      if (status !== "ok") for (const n of s.def.notify) notified.add(n);
      if (plan.unknown) unknownCommands.push(...plan.changes.flatMap((c) => (c.kind === "run" ? [c.command] : [])));
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      result.status = "failed";
      result.error = err.message;
      failed = true;
    }
  };

  for (const s of work.steps) planOne(s, false);
  for (const h of work.handlers) if (notified.has(h.def.name)) planOne(h, true);
  return { steps, changes, owners, failed, facts };
}

/** A command's stdin is where secrets travel (option files, passwords): reports show its `display`, never the stdin. */
function reportable(c: Change): Change {
  if (c.kind !== "run") return c;
  const { stdin: _secretChannel, ...shown } = c;
  return shown;
}

/** Later writes to a file already written this run merge into the first write (which holds the original sha). */
function addChange(changes: Change[], owners: number[], c: Change, owner: number): void {
  if (c.kind === "write-file") {
    const at = changes.findIndex((x) => x.kind === "write-file" && x.path === c.path);
    const prev = changes[at];
    if (prev?.kind === "write-file") {
      changes.splice(at, 1);
      owners.splice(at, 1);
      changes.push({ ...prev, ...c, beforeSha256: prev.beforeSha256 });
      owners.push(owner);
      return;
    }
  }
  changes.push(c);
  owners.push(owner);
}

/** A step depends on an unpredictable command when it runs probe commands, or reads a path the command names. */
function dependsOnUnknown(probes: Probe[], commands: string[]): boolean {
  return probes.some((p) => p.kind === "command" || commands.some((c) => c.includes(p.path)));
}
