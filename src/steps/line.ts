import { StepError } from "../errors.js";
import { compileRegExp } from "./compile-regexp.js";
import { createSchema, fileEditSchema, planWrite, probeFile, readEditable, type FileEditParams } from "./file-edit.js";
import { joinLines, splitLines } from "./text-lines.js";
import type { Facts, StepPlan, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export type LineParams = FileEditParams & {
  line?: string;
  regexp?: string;
  state?: "present" | "absent";
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
};

export const line: StepType<LineParams> = {
  name: "line",
  summary: "Ensure a line is present in (or absent from) a text file, like Ansible's lineinfile",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file"],
    properties: {
      ...fileEditSchema,
      line: { type: "string", description: "The whole line (without its newline); required when state is present." },
      regexp: {
        type: "string",
        minLength: 1,
        description:
          "JavaScript regexp searched in each line. present: the last matching line becomes `line` (if none matches and `line` is already there, nothing changes); absent: every matching line is removed.",
      },
      state: { enum: ["present", "absent"], default: "present", description: "Whether the line must be in the file." },
      insertafter: { type: "string", minLength: 1, description: "Where a missing line goes: after the last line matching this regexp, or EOF (the default). No match: EOF. Not with insertbefore." },
      insertbefore: { type: "string", minLength: 1, description: "Where a missing line goes: before the last line matching this regexp, or BOF. No match: EOF." },
      create: createSchema,
    },
  },
  regexps: (p) => (["regexp", "insertafter", "insertbefore"] as const).flatMap((param) => (p[param] === undefined ? [] : [{ param, source: p[param] }])),
  probes: probeFile,
  plan(params, facts) {
    const regexp = params.regexp === undefined ? undefined : compileRegExp("regexp", params.regexp);
    if (params.state === "absent") return planAbsent(params, facts, regexp);
    const wanted = params.line;
    if (wanted === undefined) throw new StepError(t("step.lineRequired"));
    if (/[\r\n]/.test(wanted)) throw new StepError(t("step.lineSingle"));
    const { fact, content } = readEditable(facts, params.file, params.create ?? false);
    const text = splitLines(content);
    const { lines } = text;
    const target = regexp ? findLast(lines, regexp) : -1;
    if (target >= 0) lines[target] = wanted;
    else if (!lines.includes(wanted)) {
      const at = insertIndex(lines, params);
      if (at === lines.length) text.finalEol = true;
      lines.splice(at, 0, wanted);
    }
    return planWrite(params, fact, joinLines(text));
  },
};

function planAbsent(params: LineParams, facts: Facts, regexp: RegExp | undefined): StepPlan {
  const wanted = params.line;
  if (!regexp && wanted === undefined) throw new StepError(t("step.absentNeeds"));
  // A missing file holds no line: nothing to remove.
  const { fact, content } = readEditable(facts, params.file, true);
  if (!fact.exists) return { changes: [], messages: [`${params.file} does not exist`] };
  const text = splitLines(content);
  text.lines = text.lines.filter((l) => (regexp ? !regexp.test(l) : l !== wanted));
  return planWrite(params, fact, joinLines(text));
}

/** Ansible's rule: after/before the LAST line matching the anchor; an anchor that matches nothing means EOF. */
function insertIndex(lines: string[], params: LineParams): number {
  if (params.insertafter !== undefined && params.insertbefore !== undefined) throw new StepError(t("step.afterOrBefore"));
  if (params.insertbefore === "BOF") return 0;
  if (params.insertbefore !== undefined) {
    const at = findLast(lines, compileRegExp("insertbefore", params.insertbefore));
    return at >= 0 ? at : lines.length;
  }
  if (params.insertafter === undefined || params.insertafter === "EOF") return lines.length;
  const at = findLast(lines, compileRegExp("insertafter", params.insertafter));
  return at >= 0 ? at + 1 : lines.length;
}

function findLast(lines: string[], re: RegExp): number {
  return lines.findLastIndex((l) => re.test(l));
}
