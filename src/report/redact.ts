import { renderPythonString } from "../steps/python-literal.js";
import { shellQuote } from "../steps/shell-quote.js";

export const MASK = "••••";

/**
 * Values of keys like these are secrets wherever they appear in a file (e.g. paas_agent's `auth.token`, and its
 * `auth.sid`: the key `sid` exactly): a whole
 * quoted string (any characters, escapes included), or a bare word.
 */
const SECRET_KEY = /((?:^|[\s{,"'])["']?(?:[\w.-]*(?:token|password|passwd|secret|pwd)[\w.-]*|sid)["']?\s*[:=]\s*)(?:'((?:[^'\\\n]|\\.)+)'|"((?:[^"\\\n]|\\.)+)"|(?!\s*$)([^\s'",}#]+))/gim;

export type Redactor = (text: string) => string;

/** A key whose scalar value is a secret in structured output (a report's or a log's own fields). */
const SECRET_NAME = /token|password|passwd|secret|pwd|^sid$/i;

/** How a value is spelled where it is shown: as is, shell-quoted, in a Python or YAML/SQL string, and each of those inside JSON. */
function spellings(value: string): string[] {
  const forms = [value, shellQuote(value), renderPythonString(value, "'").slice(1, -1), renderPythonString(value, '"').slice(1, -1), value.replaceAll("'", "''")];
  return forms.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
}

/** Mask every known secret value (however it is quoted), and the value of every secret-looking key. */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets.filter((s) => s.length > 0).flatMap(spellings))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join(MASK);
    return out.replace(SECRET_KEY, (_m, key: string, single?: string, double?: string) => `${key}${single !== undefined ? `'${MASK}'` : double !== undefined ? `"${MASK}"` : MASK}`);
  };
}

/**
 * Every string inside `value` redacted, before it is serialised: in JSON a key at the start of a line follows a
 * literal `\n`, so redacting the serialised text misses it. Scalars under secret-looking keys are masked too.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") return key !== undefined && SECRET_NAME.test(key) && v !== "" ? MASK : redact(v);
    if (typeof v === "number" && key !== undefined && SECRET_NAME.test(key)) return MASK;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}
