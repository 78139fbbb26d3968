import type { StepType } from "./types.js";
import { warning } from "./warning.js";

export interface WarnParams {
  message: string;
}

/** Says something the operator must know about this host (use with `when:`); changes nothing. */
export const warn: StepType<WarnParams> = {
  name: "warn",
  summary: "Show a warning for the host in the recap and the review report (use with when:); changes nothing",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["message"],
    properties: { message: { type: "string", minLength: 1, description: "What the operator must know, and what to do" } },
  },
  probes: () => [],
  plan: (p) => ({ changes: [], messages: [warning(p.message)] }),
};
