import type { Problem } from "../errors.js";
import type { Generation } from "../generations/layouts.js";
import { handlerProbes } from "./handler-check.js";
import { markerProbes, type MarkerPaths } from "../generations/markers.js";
import type { Host } from "../inventory/types.js";
import type { StepDef } from "../playbook/types.js";
import type { Probe, StepContext, StepType } from "../steps/types.js";

/** A step with its parameters rendered for one host. */
export interface RenderedStep {
  def: StepDef;
  type: StepType;
  params: Record<string, unknown>;
}

/** A host's steps as rendered for one generation (or for none, when the playbook does not depend on it). */
export interface Variant {
  generation: Generation | null;
  steps: RenderedStep[];
  handlers: RenderedStep[];
  /** Health checks run after the host's batch is applied (`verify:`). */
  verify: RenderedStep[];
  ctx: StepContext;
  /** What this host's templates see (variables, inventory, `bk`): cross-host reads render their paths in it. */
  context: Record<string, unknown>;
  /** Rendering problems that matter only if the host turns out to be of this generation. */
  problems: Problem[];
}

/** Everything one host must do, rendered before any connection is made. */
export interface HostWork extends Omit<Variant, "problems"> {
  host: Host;
  /** Reads other hosts' conditions need from this host (cross-host `assert`). */
  extraProbes: Probe[];
  /** Not yet known: the probe reads these markers and the variant of the generation found is used. */
  candidates?: { markers: MarkerPaths[]; variants: Variant[] };
}

/** The renderings the host may turn out to use: its own, or each candidate generation's that rendered without a problem. */
export const renderedVariants = (work: HostWork): Omit<Variant, "problems">[] => (work.candidates ? work.candidates.variants.filter((v) => v.problems.length === 0) : [work]);

/** Everything to read on the host: every candidate generation's steps and handlers (with what they run), its markers. */
export function probesOf(work: HostWork): Probe[] {
  const variants: Omit<Variant, "problems">[] = work.candidates?.variants ?? [work];
  const own = variants.flatMap((v) => [...[...v.steps, ...v.handlers].flatMap((s) => s.type.probes(s.params, v.ctx)), ...handlerProbes(v.handlers)]);
  const markers = markerProbes(work.candidates?.markers ?? []);
  return [...own, ...markers, ...work.extraProbes];
}
