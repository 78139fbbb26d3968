import { stepTypes } from "../steps/index.js";

const common = {
  name: { type: "string", minLength: 1, description: "What this step does, shown in progress and reports." },
  when: { type: "string", description: "Template; the step is left out on a host where it renders empty, false, 0 or null." },
  notify: {
    description: "Handler(s) to run once at the end of the host's run when this step changes something.",
    oneOf: [{ type: "string" }, { type: "array", items: { type: "string" }, uniqueItems: true }],
  },
} as const;

/** Keys of a step that are not its type. */
export const STEP_COMMON_KEYS: readonly string[] = Object.keys(common);

/** The cross-host invariant step: evaluated against the predicted state of every host before any change. */
const assertSchema = {
  type: "object",
  additionalProperties: false,
  required: ["that"],
  description: "Conditions that must hold after this run, checked on every host's predicted end state before any host changes.",
  properties: {
    read: {
      type: "object",
      description: "Named values read from hosts: name → {hosts, file, key|name|regexp}.",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["hosts", "file"],
        properties: {
          hosts: { type: "string", description: "Host pattern to read from." },
          file: {
            oneOf: [{ type: "string" }, { type: "array", minItems: 1, items: { type: "string" } }],
            description: "The file, or files read in order where the last that sets the value wins (e.g. default.py, then settings_production.py).",
          },
          yaml: { type: "string", description: "Dotted key path in a YAML file." },
          python: { type: "string", description: "Top-level NAME in a Python file." },
          match: { type: "string", description: "Regular expression: the value is its first group (e.g. the host of a URL)." },
        },
      },
    },
    that: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["value", "op", "than"],
        properties: {
          value: { description: "A variable value (templated) or `read:NAME` for every value read on hosts." },
          op: { enum: [">", ">=", "<", "<=", "==", "!="] },
          than: { description: "A variable value (templated) or `read:NAME`." },
          message: { type: "string", description: "Shown when the condition fails (templated)." },
        },
      },
    },
  },
} as const;

const STEP_FRAGMENTS = (): Record<string, unknown> => ({
  ...Object.fromEntries([...stepTypes.values()].map((s) => [s.name, { description: s.summary, ...s.schema }])),
  assert: assertSchema,
});

/** The playbook JSON Schema, assembled from each step type's own fragment. schemas/playbook.schema.json is this, committed. */
export function buildPlaybookSchema(): Record<string, unknown> {
  const fragments = STEP_FRAGMENTS();
  const step = {
    type: "object",
    additionalProperties: false,
    properties: { ...common, ...fragments },
    minProperties: 1,
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://bkplay.dev/schemas/playbook.schema.json",
    title: "bkplay playbook",
    type: "object",
    additionalProperties: false,
    required: ["name", "description", "plays"],
    properties: {
      name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$", description: "Playbook name (kebab-case)." },
      description: { type: "string", minLength: 1, description: "One line: the symptom this playbook remedies." },
      description_zh: { type: "string", minLength: 1, description: "The description in Simplified Chinese, in the runbook's words (shipped playbooks must have it, and description_zh on each variable)." },
      vars: {
        type: "object",
        description: "Variables, each declared with JSON Schema (type, format, pattern, enum, minimum, …), `secret: true`, a description and an optional default (may be a template).",
        propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
        additionalProperties: { type: "object" },
      },
      plays: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["hosts", "steps"],
          properties: {
            name: { type: "string" },
            hosts: { type: "string", minLength: 1, description: "Host pattern: groups, host names, globs, `a:b`, `!x`." },
            optional: { type: "boolean", default: false, description: "The play may match no host of the inventory (otherwise that is an error before any host is contacted)." },
            steps: { type: "array", minItems: 1, items: { $ref: "#/definitions/step" } },
          },
        },
      },
      verify: {
        type: "array",
        description: "Health checks (http, check) run on each batch's hosts after it is applied; when one fails, that batch's files are restored and the run stops.",
        items: { $ref: "#/definitions/step" },
      },
      handlers: {
        type: "object",
        description: "Handlers by name; each runs once per host at the end, in declaration order, only when notified by a change.",
        additionalProperties: { $ref: "#/definitions/step" },
      },
    },
    definitions: { step },
  };
}

/** The step type keys a step may carry. */
export function stepTypeNames(): string[] {
  return Object.keys(STEP_FRAGMENTS());
}
