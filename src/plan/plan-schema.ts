import { APPROVAL_PROPERTIES } from "./approval-schema.js";

/** What a plan file (version 2) must hold for `apply` to use it; checked before anything in it is used. */
const change = {
  type: "object",
  required: ["kind"],
  properties: { kind: { enum: ["write-file", "upload", "extract", "mkdir", "attrs", "remove", "run"] }, path: { type: "string" } },
};

export const PLAN_SCHEMA = {
  $id: "bkplay-plan-v2",
  type: "object",
  required: ["format", "version", "runId", "createdAt", "playbook", "inventory", "limit", "vars", "secretVars", "hosts"],
  properties: {
    format: { const: "bkplay-plan" },
    version: { const: 2 },
    runId: { type: "string", pattern: "^[0-9A-Za-z-]+$" },
    createdAt: { type: "string" },
    createdBy: { type: "string" },
    playbook: {
      type: "object",
      required: ["name", "file", "sha256"],
      properties: { name: { type: "string" }, file: { type: "string", minLength: 1 }, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
    },
    inventory: {
      type: "object",
      required: ["file", "sha256"],
      properties: { file: { type: "string", minLength: 1 }, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
    },
    limit: { type: ["string", "null"] },
    vars: { type: "object" },
    secretVars: { type: "array", items: { type: "string" } },
    secretHashes: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["salt", "scrypt"],
        properties: { salt: { type: "string", pattern: "^[0-9a-f]{32}$" }, scrypt: { type: "string", pattern: "^[0-9a-f]{64}$" } },
      },
    },
    hosts: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["status"],
        properties: {
          status: { type: "string" },
          error: { type: "string" },
          changes: { type: "array", items: change },
          owners: { type: "array", items: { type: "integer", minimum: 0 } },
          notifies: { type: "array", items: { type: "array", items: { type: "string" } } },
          steps: { type: "array", items: { type: "object" } },
        },
      },
    },
    ...APPROVAL_PROPERTIES,
  },
} as const;
