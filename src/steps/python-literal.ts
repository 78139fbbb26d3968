import { StepError } from "../errors.js";
import { t } from "../i18n/t.js";

export type Quote = "'" | '"';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Code points Python source must not carry raw in a string: controls, line separators, BOM, lone surrogates. */
function needsEscape(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff);
}

function escapeCodePoint(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
  return `\\u${cp.toString(16).padStart(4, "0")}`;
}

/** A Python string literal equal to `value` (non-ASCII text stays readable; the file is UTF-8). */
export function renderPythonString(value: string, quote: Quote, prefix = ""): string {
  let body = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    body += SIMPLE_ESCAPES[ch] ?? (ch === quote ? `\\${quote}` : needsEscape(cp) ? escapeCodePoint(cp) : ch);
  }
  return `${prefix}${quote}${body}${quote}`;
}

function renderNumber(value: number): string {
  if (!Number.isFinite(value)) throw new StepError(t("step.noPyLiteral", { value: String(value) }));
  // JS prints 1e+21 for large integral numbers; Python reads that as a float, which is what YAML gave us anyway.
  return Object.is(value, -0) ? "0" : String(value);
}

/** A Python literal (str, int/float, bool, None, list, dict) that evaluates to the JSON-like `value`. */
export function renderPythonLiteral(value: unknown, quote: Quote, prefix = ""): string {
  if (value === null) return "None";
  switch (typeof value) {
    case "string":
      return renderPythonString(value, quote, prefix);
    case "number":
      return renderNumber(value);
    case "boolean":
      return value ? "True" : "False";
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => renderPythonLiteral(v, quote)).join(", ")}]`;
      const entries = Object.entries(value as Record<string, unknown>);
      return `{${entries.map(([k, v]) => `${renderPythonString(k, quote)}: ${renderPythonLiteral(v, quote)}`).join(", ")}}`;
    }
    default:
      throw new StepError(t("step.noPyLiteralType", { type: typeof value }));
  }
}
