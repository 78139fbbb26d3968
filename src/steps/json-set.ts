import { isDeepStrictEqual } from "node:util";
import { InternalError, StepError } from "../errors.js";
import { isSecretName } from "../report/redact.js";
import { fileEditSchema, planWrite, probeFile, readEditable, setSchema, type FileEditParams } from "./file-edit.js";
import { JsonSyntaxError, lineColumn, parseJsonSource, valueOf, type JsonNode } from "./json-source.js";
import { detectEol } from "./text-lines.js";
import type { StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

export type JsonSetParams = FileEditParams & {
  set: Record<string, unknown>;
  from?: unknown[];
  otherwise?: string;
};

/** An RFC 6901 pointer: `/` then tokens, `~0` for `~` and `~1` for `/` (any other `~` is malformed). */
const POINTER = "^(/([^~/]|~[01])*)+$";

/** The pointer's reference tokens, unescaped (RFC 6901 §4: `~1` first, then `~0`). */
function pointerTokens(pointer: string): string[] {
  if (!new RegExp(POINTER).test(pointer)) throw new StepError(t("json.badPointer", { pointer: JSON.stringify(pointer) }));
  return pointer.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

const display = (v: unknown): string => JSON.stringify(v);

/** How the file lays out its members: one per line with this unit of indentation, or all on one line. */
interface Style {
  eol: string;
  /** null: the file writes its objects on one line. */
  unit: string | null;
}

/** The indentation of the line that holds offset `at`. */
function indentAt(text: string, at: number): string {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? "";
}

/** The file's indentation unit: how much deeper the first member on a line of its own sits than its container's line. */
function styleOf(text: string, root: JsonNode): Style {
  const eol = detectEol(text);
  const walk = (n: JsonNode): string | null => {
    const kids = n.kind === "object" ? n.members.map((m) => ({ at: m.keyStart, node: m.value })) : n.kind === "array" ? n.items.map((i) => ({ at: i.start, node: i })) : [];
    const first = kids[0];
    if (first && text.slice(n.start, first.at).includes("\n")) {
      const unit = indentAt(text, first.at).slice(indentAt(text, n.start).length);
      if (unit !== "") return unit;
    }
    for (const k of kids) {
      const u = walk(k.node);
      if (u !== null) return u;
    }
    return null;
  };
  return { eol, unit: text.includes("\n") ? (walk(root) ?? "  ") : null };
}

/** A new value written in the file's style, its continuation lines indented from `indent`. */
function render(value: unknown, style: Style, indent: string): string {
  if (typeof value === "number" && !Number.isFinite(value)) throw new StepError(t("json.notValue", { value: String(value) }));
  const text = JSON.stringify(value, null, style.unit ?? undefined);
  return style.unit === null ? text : text.replaceAll("\n", `${style.eol}${indent}`);
}

type Found = { kind: "value"; node: JsonNode } | { kind: "missing"; parent: Extract<JsonNode, { kind: "object" }>; keys: string[] };

/** The node a pointer names, or the object where its first missing member would go. */
function locate(root: JsonNode, tokens: string[], text: string, where: string): Found {
  let node = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    const path = `/${tokens.slice(0, i).map((t) => t.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
    if (node.kind === "object") {
      const same = node.members.filter((m) => m.key === token);
      if (same.length > 1) {
        const lines = same.map((m) => lineColumn(text, m.keyStart).line).join(" and ");
        throw new StepError(t("json.duplicateName", { file: where, name: display(token), path, lines }));
      }
      const member = same[0];
      if (!member) return { kind: "missing", parent: node, keys: tokens.slice(i) };
      node = member.value;
    } else if (node.kind === "array") {
      if (token === "-") throw new StepError(t("json.noAppend", { file: where, path }));
      if (!/^(0|[1-9]\d*)$/.test(token)) throw new StepError(t("json.notIndex", { file: where, path, token: display(token) }));
      const item = node.items[Number(token)];
      if (!item) throw new StepError(t("json.noIndex", { file: where, path, count: node.items.length, index: token }));
      node = item;
    } else {
      throw new StepError(t("json.notContainer", { file: where, path, value: display(node.value) }));
    }
  }
  return { kind: "value", node };
}

/** The text with `value` at `tokens` (or, when `from` forbids it, unchanged with why); null when it already is. */
function setOne(text: string, tokens: string[], value: unknown, p: JsonSetParams, pointer: string): { text: string } | { left: string } | null {
  let root: JsonNode;
  try {
    root = parseJsonSource(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new StepError(t("json.notJson", { file: p.file, line: err.line, column: err.column, reason: err.reason }), { cause: err });
    throw err;
  }
  const found = locate(root, tokens, text, p.file);
  const current = found.kind === "value" ? valueOf(found.node) : undefined;
  if (found.kind === "value" && isDeepStrictEqual(current, value)) return null;
  if (p.from && !p.from.some((f) => isDeepStrictEqual(f, current))) {
    const secret = isSecretName(tokens.at(-1) ?? "");
    const now = found.kind === "missing" ? t("json.notSet") : secret ? t("json.secretSet") : display(current);
    const allowed = secret ? t("json.theValues") : p.from.map(display).join(t("json.or"));
    return { left: `${t("json.left", { pointer, file: p.file, now, allowed })}${p.otherwise === undefined ? "" : `; ${p.otherwise}`}` };
  }
  const style = styleOf(text, root);
  if (found.kind === "value") {
    const n = found.node;
    return { text: text.slice(0, n.start) + render(value, style, indentAt(text, n.start)) + text.slice(n.end) };
  }
  // The missing members, nested: /a/b/c with /a missing adds "a": {"b": {"c": value}}.
  const [key = "", ...rest] = found.keys;
  const nested = rest.reduceRight<unknown>((v, k) => ({ [k]: v }), value);
  const { parent } = found;
  const last = parent.members.at(-1);
  if (last) {
    const before = parent.members.at(-2)?.value.end ?? parent.start + 1;
    const lead = text.slice(before, last.keyStart).replace(/^\s*,/, "");
    const colon = text.slice(last.keyEnd, last.value.start);
    const member = `${display(key)}${colon}${render(nested, style, indentAt(text, last.keyStart))}`;
    return { text: `${text.slice(0, last.value.end)},${lead}${member}${text.slice(last.value.end)}` };
  }
  const outer = indentAt(text, parent.start);
  const inner = style.unit === null ? "" : `${style.eol}${outer}${style.unit}`;
  const member = `${display(key)}: ${render(nested, style, style.unit === null ? "" : `${outer}${style.unit}`)}`;
  return { text: `${text.slice(0, parent.start)}{${inner}${member}${style.unit === null ? "" : `${style.eol}${outer}`}}${text.slice(parent.end)}` };
}

export const jsonSet: StepType<JsonSetParams> = {
  name: "json_set",
  summary: "Set values in a JSON file at JSON pointer paths (RFC 6901), keeping every other byte: key order, indentation, spacing",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "set"],
    properties: {
      ...fileEditSchema,
      set: setSchema(
        POINTER,
        "JSON pointer → value, e.g. `/zkhost: 10.0.0.5:32181` (`~1` for a `/` inside a name, `~0` for `~`). A missing member is added after the last one of its object (missing objects on the way too); array elements are replaced by index, never appended.",
      ),
      from: {
        type: "array",
        minItems: 1,
        description: "Set a value only where it is now one of these (or already the new one); any other value, or none, is left alone with a warning.",
      },
      otherwise: { type: "string", minLength: 1, description: "Added to the warning when `from` leaves a value: what to do instead." },
    },
  },
  probes: probeFile,
  plan(params, facts) {
    const { fact, content } = readEditable(facts, params.file);
    let text = content;
    const messages: string[] = [];
    let expected: unknown;
    for (const [pointer, value] of Object.entries(params.set)) {
      const tokens = pointerTokens(pointer);
      const r = setOne(text, tokens, value, params, pointer);
      if (r === null) continue;
      if ("left" in r) {
        messages.push(warning(r.left));
        continue;
      }
      text = r.text;
      expected = assign(expected === undefined ? valueOf(parseJsonSource(content)) : expected, tokens, value);
    }
    // The edit is textual: the result must read as the file's values with exactly these set.
    if (expected !== undefined && !isDeepStrictEqual(valueOf(parseJsonSource(text)), expected)) throw new InternalError(`json_set would write ${params.file} with other values than the ones set`);
    return planWrite(params, fact, text, messages);
  },
};

/** `doc` with `value` at `tokens`, creating the missing objects on the way (what the text edit must amount to). */
function assign(doc: unknown, tokens: string[], value: unknown): unknown {
  const [head, ...rest] = tokens;
  if (head === undefined) return value;
  if (Array.isArray(doc)) return (doc as unknown[]).map((v, i) => (String(i) === head ? assign(v, rest, value) : v));
  const obj = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
  return { ...obj, [head]: assign(Object.hasOwn(obj, head) ? obj[head] : undefined, rest, value) };
}
