import { t } from "../i18n/t.js";

/**
 * JSON (RFC 8259) parsed with the place of every value and key in the text, so an edit can replace exactly one
 * value and leave every other byte (order, spacing, escapes, number spelling) as it was.
 */

export type JsonScalar = string | number | boolean | null;

export type JsonNode =
  | { kind: "object"; start: number; end: number; members: JsonMember[] }
  | { kind: "array"; start: number; end: number; items: JsonNode[] }
  | { kind: "scalar"; start: number; end: number; value: JsonScalar };

export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

/** Where the text stops being JSON: 1-based line and column, and what was expected there. */
export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(reason);
  }
}

/** Deeper nesting than this is refused rather than risk the stack (no real config nests so deep). */
const MAX_DEPTH = 512;

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string: no raw control character (U+0000–U+001F) and only JSON's escapes.
const STRING = new RegExp(String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`, "y");

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** The document's top value; a leading UTF-8 byte order mark is skipped (and stays in the text). */
export function parseJsonSource(text: string): JsonNode {
  let at = text.startsWith("\uFEFF") ? 1 : 0;
  const fail = (reason: string): never => {
    const { line, column } = lineColumn(text, at);
    throw new JsonSyntaxError(line, column, reason);
  };
  const found = (): string => (at >= text.length ? t("json.endOfFile") : `'${text.charAt(at)}'`);
  const skip = (): void => {
    while (at < text.length && WS.has(text.charAt(at))) at++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text)?.[0];
    if (m !== undefined) at += m.length;
    return m;
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(t("json.tooDeep", { max: MAX_DEPTH }));
    skip();
    const start = at;
    const c = text.charAt(at);
    if (c === "{") return { kind: "object", start, members: list("}", t("json.aMember"), () => member(depth)), end: at };
    if (c === "[") return { kind: "array", start, items: list("]", t("json.anElement"), () => value(depth + 1)), end: at };
    const s = c === '"' ? match(STRING) : c === "-" || (c >= "0" && c <= "9") ? match(NUMBER) : undefined;
    if (s !== undefined) return { kind: "scalar", start, end: at, value: JSON.parse(s) as JsonScalar };
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return { kind: "scalar", start, end: at, value: v };
      }
    }
    return fail(c === '"' ? t("json.badString") : t("json.expectedValue", { found: found() }));
  };
  /** The entries between an opening bracket (at `at`) and `close`, separated by commas; `at` ends past `close`. */
  const list = <T>(close: "}" | "]", what: string, entry: () => T): T[] => {
    at++;
    const entries: T[] = [];
    skip();
    if (text.charAt(at) === close) {
      at++;
      return entries;
    }
    for (;;) {
      entries.push(entry());
      skip();
      const c = text.charAt(at);
      if (c !== "," && c !== close) fail(t("json.expectedSeparator", { close, what, found: found() }));
      at++;
      if (c === close) return entries;
    }
  };
  const member = (depth: number): JsonMember => {
    skip();
    const keyStart = at;
    const key = text.charAt(at) === '"' ? match(STRING) : undefined;
    if (key === undefined) return fail(t("json.expectedName", { found: found() }));
    const keyEnd = at;
    skip();
    if (text.charAt(at) !== ":") fail(t("json.expectedColon", { found: found() }));
    at++;
    return { key: JSON.parse(key) as string, keyStart, keyEnd, value: value(depth + 1) };
  };
  const root = value(0);
  skip();
  if (at < text.length) fail(t("json.expectedEnd", { found: found() }));
  return root;
}

/** The plain value a node stands for. */
export function valueOf(node: JsonNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "array":
      return node.items.map(valueOf);
    case "object":
      // As JSON.parse reads it: a repeated name's last value wins.
      return Object.fromEntries(node.members.map((m) => [m.key, valueOf(m.value)]));
  }
}
