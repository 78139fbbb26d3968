import { StepError } from "../errors.js";
import type { StepType } from "./types.js";

export interface FailParams {
  message: string;
}

/** Refuses the host at plan time (use with `when:`): nothing on any host changes unless --partial. */
export const fail: StepType<FailParams> = {
  name: "fail",
  summary: "Refuse the host before anything changes, saying why and what to do instead (use with when:)",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["message"],
    properties: { message: { type: "string", minLength: 1, description: "Why this host is refused, and what to do instead" } },
  },
  readOnly: true,
  probes: () => [],
  plan(p) {
    throw new StepError(p.message);
  },
};
