import { isAbsolute, join } from "node:path";
import type { StatFact, StepContext } from "./types.js";

export const srcSchema = {
  type: "string",
  minLength: 1,
  description: "Local file on the controller, relative to the playbook's directory unless absolute",
} as const;

/** Upload sources are named relative to the playbook, so a playbook directory can move as a whole. */
export function resolveLocal(src: string, ctx: Pick<StepContext, "playbookDir">): string {
  return isAbsolute(src) ? src : join(ctx.playbookDir, src);
}

/** What an upload expects to overwrite, so apply can refuse when the host drifted. */
export function beforeSha256(stat: StatFact): string | null {
  return stat.exists ? (stat.sha256 ?? null) : null;
}
