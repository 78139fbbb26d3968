import type { Change, StepPlan } from "./types.js";

/** One guard's outcome: whether it lets the action run, and why, in words for the operator. */
export interface Verdict {
  run: boolean;
  reason: string;
}

/**
 * The action runs only when every guard lets it; the first guard that stops it is the message. With no
 * guard at all, check mode cannot know what the action will do, so the plan says so.
 */
export function planGuarded(verdicts: Verdict[], unguardedReason: string, toChange: (reason: string) => Change): StepPlan {
  const stop = verdicts.find((v) => !v.run);
  if (stop) return { changes: [], messages: [stop.reason] };
  if (verdicts.length === 0) return { changes: [toChange(unguardedReason)], unknown: true };
  return { changes: [toChange(verdicts.map((v) => v.reason).join("; "))] };
}
