import { StepError } from "../errors.js";
import type { Change, FileFact, Facts, Probe, StepPlan } from "./types.js";
import { t } from "../i18n/t.js";

/** Params every text-editing step shares. */
export type FileEditParams = {
  file: string;
  validate?: string;
};

/** Schema fragments shared by the text-editing steps, so their wording cannot drift apart. */
export const fileEditSchema = {
  file: { type: "string", minLength: 1, description: "Path of the file to edit on the host; edits through a symlink change its target and keep the link." },
  validate: {
    type: "string",
    pattern: "%s",
    description: "Command run on the candidate file before it replaces the live one; %s is the candidate's path.",
  },
} as const;

/** The `set` map of a step that sets values by key: keys match `pattern`. */
export const setSchema = (pattern: string, description: string): Record<string, unknown> => ({ type: "object", minProperties: 1, propertyNames: { pattern }, description });

export const createSchema = {
  type: "boolean",
  default: false,
  description: "Create the file when it is missing instead of failing.",
} as const;

export function probeFile(params: FileEditParams): Probe[] {
  return [{ kind: "file", path: params.file }];
}

/** The file's current text; "" for a missing file when `create` allows it (undefined: the step cannot create). */
export function readEditable(facts: Facts, file: string, create?: boolean): { fact: FileFact; content: string } {
  const fact = facts.file(file);
  if (!fact.exists) {
    if (create === true) return { fact, content: "" };
    throw new StepError(t("step.fileMissing", { file, hint: create === false ? t("step.setCreate") : "" }));
  }
  if (fact.type !== "file" || fact.content === undefined) throw new StepError(t("step.notRegular", { file }));
  return { fact, content: fact.content };
}

/** One write-file change when the text differs; none when it is already as planned (idempotent). */
export function planWrite(params: FileEditParams, fact: FileFact, content: string, messages: string[] = []): StepPlan {
  const withMessages = messages.length > 0 ? { messages } : {};
  if (fact.exists && fact.content === content) return { changes: [], ...withMessages };
  const change: Change = {
    kind: "write-file",
    path: fact.realPath ?? params.file,
    beforeSha256: fact.exists ? (fact.sha256 ?? null) : null,
    content,
  };
  if (params.validate !== undefined) change.validate = params.validate;
  return { changes: [change], ...withMessages };
}
