import Handlebars from "handlebars";
import { shellQuote } from "../steps/shell-quote.js";
import { t } from "../i18n/t.js";

const hb = Handlebars.create();

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** `helperName args… options`: handlebars passes its options object last; drop it. */
const args = (list: unknown[]): unknown[] => list.slice(0, -1);

hb.registerHelper({
  quote: (value: unknown) => shellQuote(stringify(value)),
  /** A MariaDB/MySQL string literal, `it's \` → `'it''s \\'` (backslash escapes unless NO_BACKSLASH_ESCAPES). */
  sql_string: (value: unknown) => `'${stringify(value).replaceAll("\\", "\\\\").replaceAll("'", "''")}'`,
  json: (value: unknown) => JSON.stringify(value),
  regex: (value: unknown) => escapeRegex(stringify(value)),
  default: (...list: unknown[]) => args(list).find((v) => v !== undefined && v !== null && v !== "") ?? "",
  join: (...list: unknown[]) => {
    const [items, sep] = args(list);
    return Array.isArray(items) ? items.map(stringify).join(typeof sep === "string" ? sep : ",") : stringify(items);
  },
  /** `add agent_timeout 60` → the numeric sum (rendered as text; a var default is then coerced to its declared type). */
  add: (...list: unknown[]) => args(list).reduce<number>((sum, v) => sum + Number(v), 0),
  /** `eq bk.generation "ce6"` → true when the two are the same (for `when:` and `#if`). */
  eq: (...list: unknown[]) => {
    const [a, b] = args(list);
    return a === b;
  },
  /** `parent_domain "paas.bk.com"` → "bk.com". */
  parent_domain: (value: unknown) => stringify(value).split(".").slice(1).join("."),
  /** `addresses groups "appo" "appt"` → unique addresses of the hosts in those groups. */
  addresses: (...list: unknown[]) => {
    const [groups, ...names] = args(list) as [Record<string, { address: string }[]>, ...string[]];
    return [...new Set(names.flatMap((n) => (groups[n] ?? []).map((h) => h.address)))];
  },
});

export const HELPERS: readonly string[] = ["quote", "sql_string", "json", "regex", "default", "join", "add", "eq", "parent_domain", "addresses"];

function stringify(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "";
    default:
      return value === null ? "" : JSON.stringify(value);
  }
}

export function isTemplate(text: string): boolean {
  return text.includes("{{");
}

export type Renderer = (context: Record<string, unknown>) => unknown;

/** Applied to what each `{{…}}` outputs, never to the template's own text (e.g. `$` → `$$` in a replacement). */
export type Escape = (value: string) => string;

const SINGLE = /^\{\{\s*([A-Za-z_@][\w.@-]*)\s*\}\}$/;
const caches = new Map<Escape | undefined, Map<string, Renderer>>();
/** The block helper every `{{…}}` is wrapped in when an escape applies (given per render, so never in scope otherwise). */
const ESCAPED = "bkplay_escaped_output";

/**
 * Compile once, render per host. A string that is exactly `{{name}}` yields the variable's own value (so
 * numbers and lists keep their type); anything else renders to text, strictly (an undefined variable throws
 * TemplateError naming it) and without HTML escaping. With `escape`, interpolated text goes through it.
 */
export function compileTemplate(text: string, escape?: Escape): Renderer {
  let cache = caches.get(escape);
  if (!cache) caches.set(escape, (cache = new Map<string, Renderer>()));
  let fn = cache.get(text);
  if (fn) return fn;
  const single = SINGLE.exec(text)?.[1];
  if (single !== undefined && !HELPERS.includes(single)) {
    const path = single.split(".");
    fn = (context) => {
      const value = lookup(context, path, single);
      return escape && typeof value === "string" ? escape(value) : value;
    };
  } else {
    let delegate: HandlebarsTemplateDelegate;
    let args: string[];
    try {
      const ast = hb.parse(text);
      args = helperArguments(ast);
      delegate = escape
        ? // Whitespace control already ran in parse; ignoreStandalone keeps the second pass from treating a wrapper as a standalone line.
          hb.compile(wrapOutputs(ast), { strict: true, noEscape: true, knownHelpersOnly: false, knownHelpers: { [ESCAPED]: true }, ignoreStandalone: true })
        : hb.compile(text, { strict: true, noEscape: true, knownHelpersOnly: false });
    } catch (err) {
      throw new TemplateError(t("tpl.syntax", { detail: syntaxProblem((err as Error).message) }));
    }
    const helpers = escape ? { [ESCAPED]: function (this: unknown, options: Handlebars.HelperOptions) { return escape(outputText(options.fn(this))); } } : {};
    fn = (context) => {
      for (const name of args) lookup(context, name.split("."), name);
      try {
        return delegate(context, { helpers });
      } catch (err) {
        throw new TemplateError(explain((err as Error).message));
      }
    };
  }
  cache.set(text, fn);
  return fn;
}

/** A program of one output returns the value itself (a number, null…): the text handlebars would have appended. */
function outputText(value: unknown): string {
  return value === undefined || value === null ? "" : `${value as string | number | boolean}`;
}

/**
 * `a {{x}} {{#if y}}b {{z}}{{/if}}` → `a {{#ESCAPED}}{{x}}{{/ESCAPED}} {{#if y}}b {{#ESCAPED}}{{z}}{{/ESCAPED}}{{/if}}`:
 * each output goes through the helper in the context it had (the inner mustache stays a strict lookup).
 */
function wrapOutputs(program: hbs.AST.Program): hbs.AST.Program {
  const body = program.body.map((s): hbs.AST.Statement => {
    if (s.type === "MustacheStatement") {
      const m = s as hbs.AST.MustacheStatement;
      const path: hbs.AST.PathExpression = { type: "PathExpression", data: false, depth: 0, parts: [ESCAPED], original: ESCAPED, loc: m.loc };
      const inner: hbs.AST.Program = { type: "Program", body: [m], blockParams: [], loc: m.loc };
      const none = { open: false, close: false };
      // The typings make hash and inverse required; handlebars reads them as optional.
      return { type: "BlockStatement", path, params: [], program: inner, openStrip: none, closeStrip: none, loc: m.loc } as unknown as hbs.AST.BlockStatement;
    }
    if (s.type !== "BlockStatement") return s;
    const b = s as hbs.AST.BlockStatement;
    const inverse = b.inverse as hbs.AST.Program | undefined;
    const wrapped: hbs.AST.BlockStatement = { ...b, program: wrapOutputs(b.program), ...(inverse ? { inverse: wrapOutputs(inverse) } : {}) };
    return wrapped;
  });
  return { ...program, body };
}

/**
 * Handlebars' strict mode leaves helper arguments unchecked (`{{quote missing}}` renders ''): the variables passed
 * to helpers and blocks, outside blocks that change the context (`#each`, `#with`), to be checked before rendering.
 */
function helperArguments(program: hbs.AST.Program): string[] {
  const found: string[] = [];
  const params = (node: { params: hbs.AST.Expression[] }): void => {
    for (const p of node.params) {
      if (p.type === "SubExpression") params(p as hbs.AST.SubExpression);
      if (p.type !== "PathExpression") continue;
      const path = p as hbs.AST.PathExpression;
      if (!path.data && path.depth === 0 && !/^this\b/.test(path.original)) found.push(path.original);
    }
  };
  const visit = (body: hbs.AST.Statement[]): void => {
    for (const s of body) {
      if (s.type === "MustacheStatement") params(s as hbs.AST.MustacheStatement);
      if (s.type !== "BlockStatement") continue;
      const block = s as hbs.AST.BlockStatement;
      params(block);
      if (["if", "unless"].includes(block.path.original)) {
        // The typings say `inverse` is always there; it is not without {{else}}.
        const inverse = block.inverse as hbs.AST.Program | undefined;
        visit(block.program.body);
        visit(inverse?.body ?? []);
      }
    }
  };
  visit(program.body);
  return found;
}

export class TemplateError extends Error {
  override name = "TemplateError";
  /** Key path of the template inside its tree, filled in by renderDeep. */
  path: (string | number)[] = [];
}

function lookup(context: Record<string, unknown>, path: string[], whole: string): unknown {
  let value: unknown = context;
  for (const seg of path) {
    if (typeof value !== "object" || value === null || !(seg in value)) throw new TemplateError(t("tpl.undefined", { name: whole }));
    value = (value as Record<string, unknown>)[seg];
  }
  return value;
}

function explain(message: string): string {
  const undef = /^"?([^"]+)"? not defined in/.exec(message);
  return undef ? t("tpl.undefined", { name: undef[1] ?? "" }) : firstLine(message);
}

/** Handlebars says "Parse error on line 1: …excerpt… Expecting 'A', 'B', got 'X'": keep what went wrong. */
function syntaxProblem(message: string): string {
  const got = /got '(\w+)'\s*$/.exec(message)?.[1];
  if (got === undefined) return firstLine(message);
  const what: Record<string, string> = {
    EOF: t("tpl.eof"),
    INVALID: t("tpl.invalid"),
    OPEN_ENDBLOCK: t("tpl.endblock"),
    CLOSE: t("tpl.close"),
  };
  return what[got] ?? `unexpected ${got.toLowerCase().replace(/_/g, " ")}`;
}

function firstLine(message: string): string {
  return (message.split("\n").find((l) => l.trim() !== "") ?? message).trim();
}

/** Render every string inside a parameter tree; a TemplateError carries the key path of its template. */
export function renderDeep(value: unknown, context: Record<string, unknown>, path: (string | number)[] = [], escape?: Escape): unknown {
  if (typeof value === "string") {
    if (!isTemplate(value)) return value;
    try {
      return compileTemplate(value, escape)(context);
    } catch (err) {
      if (err instanceof TemplateError) err.path = path;
      throw err;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, context, [...path, i], escape));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, context, [...path, k], escape)]));
  }
  return value;
}

/** Render a step's parameters; a parameter named in `escapes` gets its interpolated values escaped (StepType.literalParams). */
export function renderParams(params: Record<string, unknown>, context: Record<string, unknown>, path: (string | number)[], escapes: Readonly<Record<string, Escape>> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, renderDeep(v, context, [...path, k], Object.hasOwn(escapes, k) ? escapes[k] : undefined)]));
}
