import { StepError } from "../errors.js";
import { createSchema, fileEditSchema, planWrite, probeFile, readEditable, setSchema, type FileEditParams } from "./file-edit.js";
import { isPythonLiteral } from "./is-python-literal.js";
import { findPyAssignments, type PyAssignment } from "./python-assignments.js";
import { renderPythonLiteral, type Quote } from "./python-literal.js";
import { detectEol } from "./text-lines.js";
import type { StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

export type PyAssignParams = FileEditParams & {
  set: Record<string, unknown>;
  create?: boolean;
  replace_expressions?: boolean;
  missing?: "append" | "skip";
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STRING_VALUE = /^([uU]?)(['"])/;

interface Edit {
  start: number;
  end: number;
  text: string;
}

export const pyAssign: StepType<PyAssignParams> = {
  name: "py_assign",
  summary: "Set top-level NAME = value assignments in a Python settings file, keeping everything else as it was",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "set"],
    properties: {
      ...fileEditSchema,
      set: setSchema(
        IDENTIFIER.source,
        "NAME: value pairs; values become Python literals (string, number, true/false, null, list, map). The last top-level assignment of NAME is changed (keeping its quote style), or `NAME = value` is appended.",
      ),
      create: createSchema,
      missing: {
        enum: ["append", "skip"],
        default: "append",
        description: "A NAME the file does not assign: append `NAME = value` (default), or leave the file without it (said in the step's messages).",
      },
      replace_expressions: {
        type: "boolean",
        default: false,
        description:
          "Also replace a value that is an expression (`env.str(\"BK_PAAS_ADDR\")`, `\".\" + BK_DOMAIN`, `X or \"http\"`, a name, a call, an f-string) rather than a plain literal. Without it such a value fails the step, since replacing it drops what the file computed.",
      },
    },
  },
  probes: probeFile,
  plan(params, facts) {
    const { fact, content } = readEditable(facts, params.file, params.create ?? false);
    const assignments = findPyAssignments(content);
    const fileQuote = dominantQuote(content, assignments);
    const edits: Edit[] = [];
    const appended: string[] = [];
    const messages: string[] = [];
    for (const [name, value] of Object.entries(params.set)) {
      if (!IDENTIFIER.test(name)) throw new StepError(t("step.notIdentifier", { name }));
      const all = assignments.filter((a) => a.name === name);
      const last = all[all.length - 1];
      if (!last) {
        if (params.missing === "skip") messages.push(`${name}: not in ${params.file}, left out`);
        else appended.push(`${name} = ${renderPythonLiteral(value, fileQuote)}`);
        continue;
      }
      if (all.length > 1) messages.push(warning(t("step.assignedTwice", { name, count: all.length, file: params.file, line: last.line })));
      const edit = planEdit(content, params.file, last, value, fileQuote, params.replace_expressions ?? false);
      if (edit) edits.push(edit);
    }
    return planWrite(params, fact, appendLines(applyEdits(content, edits), appended), messages);
  },
};

/** The new value text for one assignment, or nothing when it already renders the same. */
function planEdit(content: string, file: string, a: PyAssignment, value: unknown, fileQuote: Quote, replaceExpressions: boolean): Edit | undefined {
  if (a.multiline) throw new StepError(t("step.multiline", { name: a.name, file, line: a.line }));
  if (a.chained) throw new StepError(t("step.chained", { name: a.name, file, line: a.line }));
  const old = content.slice(a.valueStart, a.valueEnd);
  // The quotes already in the old value (a string's, or a dict's keys') keep the edit in its style and idempotent.
  const quote = (/['"]/.exec(old)?.[0] as Quote | undefined) ?? fileQuote;
  const text = renderPythonLiteral(value, quote, STRING_VALUE.exec(old)?.[1] ?? "");
  if (text === old) return undefined;
  if (!replaceExpressions && !isPythonLiteral(old)) {
    throw new StepError(t("step.expression", { name: a.name, file, line: a.line, old: shorten(old, 60), new: shorten(text, 60) }));
  }
  return { start: a.valueStart, end: a.valueEnd, text };
}

const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The quote most top-level string values use; single when tied (BlueKing's settings use single quotes). */
function dominantQuote(content: string, assignments: PyAssignment[]): Quote {
  let double = 0;
  for (const a of assignments) {
    const q = STRING_VALUE.exec(content.slice(a.valueStart, a.valueEnd))?.[2];
    if (q === '"') double++;
    else if (q === "'") double--;
  }
  return double > 0 ? '"' : "'";
}

function applyEdits(content: string, edits: Edit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((text, e) => text.slice(0, e.start) + e.text + text.slice(e.end), content);
}

function appendLines(content: string, lines: string[]): string {
  if (lines.length === 0) return content;
  const eol = detectEol(content);
  const base = content === "" || content.endsWith("\n") ? content : content + eol;
  return base + lines.map((l) => l + eol).join("");
}
