import { StepError } from "../errors.js";
import { compileRegExp } from "./compile-regexp.js";
import { fileEditSchema, planWrite, probeFile, readEditable, type FileEditParams } from "./file-edit.js";
import type { StepType } from "./types.js";

export type ReplaceParams = FileEditParams & {
  regexp: string;
  replace: string;
  expect?: number;
  flags?: string;
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
      replace: { type: "string", description: "Replacement text; $1, $<name> and $& refer to the match." },
      expect: {
        type: "integer",
        minimum: 0,
        description: "Number of matches that must be found (counting matches already equal to their replacement); otherwise the step fails.",
      },
      flags: { type: "string", pattern: "^[gimsuyd]*$", default: "gm", description: "RegExp flags; without g only the first match is replaced." },
    },
  },
  probes: probeFile,
  plan(params, facts) {
    const re = compileRegExp("regexp", params.regexp, params.flags ?? "gm");
    const { fact, content } = readEditable(facts, params.file);
    const found = re.global ? [...content.matchAll(re)].length : Number(re.test(content));
    if (params.expect !== undefined && found !== params.expect) {
      throw new StepError(`expected ${params.expect} matches of ${String(re)} in ${params.file}, found ${found}`);
    }
    re.lastIndex = 0;
    const next = content.replace(re, params.replace);
    const messages = found === 0 ? [`no match of ${String(re)} in ${params.file}`] : [];
    return planWrite(params, fact, next, messages);
  },
};
