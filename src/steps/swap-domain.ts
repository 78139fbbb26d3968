import { parseDocument } from "yaml";
import { StepError } from "../errors.js";
import { swapHost, type Swap } from "./domain-names.js";
import { fileEditSchema, planWrite, probeFile, readEditable, type FileEditParams } from "./file-edit.js";
import { pyAssign } from "./py-assign.js";
import { findPyAssignments } from "./python-assignments.js";
import type { Facts, StepContext, StepPlan, StepType } from "./types.js";
import { warning } from "./warning.js";
import { yamlSet } from "./yaml-set.js";
import { t } from "../i18n/t.js";

export type SwapDomainParams = FileEditParams & {
  format: "python" | "yaml" | "nginx";
  /** Python names, dotted YAML key paths, or nginx directives (server_name). */
  keys: string[];
  old: string;
  new: string;
};

/** A plain Python string literal ('…' or "…", optional u prefix, no escapes); null for anything else. */
const PY_STRING = /^[uU]?(['"])([^'"\\\n]*)\1$/;

export const swapDomain: StepType<SwapDomainParams> = {
  name: "swap_domain",
  summary: "Change a domain wherever a value names it (keeping scheme, port and path); internal addresses are left and listed",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "format", "keys", "old", "new"],
    properties: {
      ...fileEditSchema,
      format: { enum: ["python", "yaml", "nginx"], description: "python: NAME = '…' settings; yaml: dotted key paths; nginx: directives whose arguments are names (server_name)" },
      keys: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "The values to look at; a key the file does not have is skipped and said" },
      old: { type: "string", pattern: "^[A-Za-z0-9.-]+$", description: "The domain to replace (without scheme or port)" },
      new: { type: "string", pattern: "^[A-Za-z0-9.-]+$", description: "The domain to put in its place" },
    },
  },
  probes: probeFile,
  plan(p, facts, ctx) {
    switch (p.format) {
      case "python":
        return planKeyed(p, facts, ctx, pyAssign, pythonValues);
      case "yaml":
        return planKeyed(p, facts, ctx, yamlSet, yamlValues);
      case "nginx":
        return planNginx(p, facts);
    }
  },
};

/** Messages for values left as they were; a value naming neither domain is not an error, but it is shown. */
function leftMessage(key: string, value: string, swap: Swap): string | null {
  if (swap.kind === "internal") return warning(t("step.leftInternal", { key, value }));
  if (swap.kind === "other") return warning(t("step.leftOther", { key, value }));
  return null;
}

/**
 * The keyed values a file holds, by format: a string, undefined when the file does not set the key; a value
 * that is not a plain string (it may name the domain in a way not seen here) throws.
 */
type ValueOf = (key: string) => string | undefined;

function pythonValues(p: SwapDomainParams, content: string): ValueOf {
  const assignments = findPyAssignments(content);
  return (key) => {
    const last = assignments.filter((a) => a.name === key).at(-1);
    if (!last) return undefined;
    const text = content.slice(last.valueStart, last.valueEnd);
    const literal = PY_STRING.exec(text)?.[2];
    if (literal === undefined) throw new StepError(t("step.notPlainString", { key, file: p.file, line: last.line, text: text.length > 60 ? `${text.slice(0, 57)}...` : text }));
    return literal;
  };
}

function yamlValues(p: SwapDomainParams, content: string): ValueOf {
  const doc = parseDocument(content);
  if (doc.errors[0]) throw new StepError(t("step.notYaml", { file: p.file, reason: doc.errors[0].message }));
  return (key) => {
    const value: unknown = doc.getIn(key.split("."));
    if (value !== undefined && typeof value !== "string") throw new StepError(t("step.notString", { key, file: p.file, value: JSON.stringify(value) }));
    return value;
  };
}

/** Swap the domain in each keyed value, then let the format's own editor (py_assign, yaml_set) write them. */
function planKeyed(p: SwapDomainParams, facts: Facts, ctx: StepContext, editor: StepType<FileEditParams & { set: Record<string, unknown> }>, valuesIn: (p: SwapDomainParams, content: string) => ValueOf): StepPlan {
  const valueOf = valuesIn(p, readEditable(facts, p.file).content);
  const set: Record<string, string> = {};
  const messages: string[] = [];
  for (const key of p.keys) {
    const value = valueOf(key);
    if (value === undefined) {
      messages.push(`${key}: not in ${p.file}`);
      continue;
    }
    const swap = swapHost(value, p.old, p.new);
    if (swap.kind === "swapped") set[key] = swap.value;
    const left = leftMessage(key, value, swap);
    if (left) messages.push(left);
  }
  if (Object.keys(set).length === 0) return { changes: [], messages };
  const planned = editor.plan({ file: p.file, set, ...(p.validate === undefined ? {} : { validate: p.validate }) }, facts, ctx);
  return { ...planned, messages: [...messages, ...(planned.messages ?? [])] };
}

/** Every `<directive> a b c;` whose arguments list the old domain: that argument becomes the new one. */
function planNginx(p: SwapDomainParams, facts: Facts): StepPlan {
  const { fact, content } = readEditable(facts, p.file);
  const messages: string[] = [];
  let found = 0;
  const next = content.replace(new RegExp(`^([ \\t]*(?:${p.keys.map(escape).join("|")})[ \\t]+)([^;#\\n]*)(;)`, "gm"), (_m, head: string, args: string, end: string) => {
    found++;
    const out = args.replace(/\S+/g, (name) => {
      const swap = swapHost(name, p.old, p.new);
      if (swap.kind === "swapped") return swap.value;
      const left = leftMessage(head.trim(), name, swap);
      if (left) messages.push(left);
      return name;
    });
    return `${head}${out}${end}`;
  });
  if (found === 0) throw new StepError(t("step.noDirective", { keys: p.keys.join("/"), file: p.file }));
  return planWrite(p, fact, next, [...new Set(messages)]);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
