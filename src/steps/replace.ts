import { StepError } from "../errors.js";
import { compileRegExp } from "./compile-regexp.js";
import { fileEditSchema, planWrite, probeFile, readEditable, type FileEditParams } from "./file-edit.js";
import type { StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

export type ReplaceParams = FileEditParams & {
  regexp: string;
  replace: string;
  expect?: number;
  flags?: string;
  missing_ok?: boolean;
};

export const replace: StepType<ReplaceParams> = {
  name: "replace",
  summary: "Replace every match of a JavaScript regular expression in a file",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "regexp", "replace"],
    properties: {
      ...fileEditSchema,
      regexp: {
        type: "string",
        minLength: 1,
        description:
          "JavaScript regular expression. Write it so it also matches its own result: then a second run finds the same matches, all already replaced, and changes nothing.",
      },
      replace: { type: "string", description: "Replacement text; $1, $<name> and $& refer to the match. Values of {{variables}} land literally (their $ is not special)." },
      expect: {
        type: "integer",
        minimum: 0,
        description: "Number of matches that must be found (counting matches already equal to their replacement); otherwise the step fails.",
      },
      flags: { type: "string", pattern: "^[gimsuyd]*$", default: "gm", description: "RegExp flags; without g only the first match is replaced." },
      missing_ok: {
        type: "boolean",
        default: false,
        description: "No match is fine (the step reports a warning and changes nothing). Without it, or `expect: 0`, finding no match fails the step.",
      },
    },
  },
  // A value rendered into the replacement lands as written: `$&` or `$1` in a variable is text, not a reference.
  literalParams: { replace: (value) => value.split("$").join("$$") },
  regexps: (p) => [{ param: "regexp", source: p.regexp, flags: p.flags ?? "gm" }],
  probes: probeFile,
  plan(params, facts) {
    const re = compileRegExp("regexp", params.regexp, params.flags ?? "gm");
    const { fact, content } = readEditable(facts, params.file);
    const found = re.global ? [...content.matchAll(re)].length : Number(re.test(content));
    if (params.expect !== undefined && found !== params.expect) {
      throw new StepError(t("step.expectedMatches", { expected: params.expect, re: String(re), file: params.file, found }));
    }
    if (found === 0 && params.expect === undefined) {
      if (params.missing_ok !== true) throw new StepError(t("step.noMatch", { re: String(re), file: params.file }));
      return planWrite(params, fact, content, [warning(t("step.noMatchOk", { re: String(re), file: params.file }))]);
    }
    re.lastIndex = 0;
    return planWrite(params, fact, content.replace(re, params.replace));
  },
};
