import type { Host } from "../inventory/types.js";
import type { StepDef } from "../playbook/types.js";
import type { Probe, StepContext, StepType } from "../steps/types.js";

/** A step with its parameters rendered for one host. */
export interface RenderedStep {
  def: StepDef;
  type: StepType;
  params: Record<string, unknown>;
}

/** Everything one host must do, rendered before any connection is made. */
export interface HostWork {
  host: Host;
  steps: RenderedStep[];
  handlers: RenderedStep[];
  /** Health checks run after the host's batch is applied (`verify:`). */
  verify: RenderedStep[];
  /** Reads other hosts' conditions need from this host (cross-host `assert`). */
  extraProbes: Probe[];
  ctx: StepContext;
}

export function probesOf(work: HostWork): Probe[] {
  return [...work.steps, ...work.handlers].flatMap((s) => s.type.probes(s.params, work.ctx)).concat(work.extraProbes);
}
