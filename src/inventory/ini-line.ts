import { t } from "../i18n/t.js";
/** Splitting and typing the text of one Ansible INI line. */

interface Part {
  text: string;
  quoted: boolean;
}
export interface Token {
  /** 1-based column of the token's first character. */
  col: number;
  text: string;
  parts: Part[];
}
export type LineError = { col: number; message: string };

/**
 * A host line's tokens, split on whitespace outside quotes as Ansible's shlex does: quotes group and are removed,
 * a `#` starting a token starts a comment. Backslashes are kept as written.
 */
export function tokenize(line: string): Token[] | LineError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line.charAt(i))) {
      i++;
      continue;
    }
    if (line.charAt(i) === "#") break;
    const token: Token = { col: i + 1, text: "", parts: [] };
    while (i < line.length && !/\s/.test(line.charAt(i))) {
      const c = line.charAt(i);
      if (c === '"' || c === "'") {
        const close = line.indexOf(c, i + 1);
        if (close < 0) return { col: i + 1, message: t("inv.unterminatedQuote", { quote: c }) };
        token.parts.push({ text: line.slice(i + 1, close), quoted: true });
        i = close + 1;
      } else {
        const last = token.parts.at(-1);
        if (last && !last.quoted) last.text += c;
        else token.parts.push({ text: c, quoted: false });
        i++;
      }
    }
    token.text = token.parts.map((p) => p.text).join("");
    tokens.push(token);
  }
  return tokens;
}

/** `key=value` from a token; the key ends at the first `=` outside quotes. */
export function keyValue(token: Token): { key: string; value: unknown } | null {
  const at = token.parts.findIndex((p) => !p.quoted && p.text.includes("="));
  const part = token.parts[at];
  if (part === undefined) return null;
  const cut = part.text.indexOf("=");
  const key = [...token.parts.slice(0, at).map((p) => p.text), part.text.slice(0, cut)].join("");
  const rest = [{ text: part.text.slice(cut + 1), quoted: false }, ...token.parts.slice(at + 1)].filter((p) => p.quoted || p.text !== "");
  const text = rest.map((p) => p.text).join("");
  return { key, value: rest.length === 1 && rest[0]?.quoted ? text : typed(text) };
}

/** A `[group:vars]` line: `key = value`, the value to the end of the line (less a ` # comment`), or one quoted string. */
export function varsLine(line: string): { key: string; value: unknown } | LineError | null {
  const cut = line.indexOf("=");
  if (cut < 0) return null;
  const key = line.slice(0, cut).trim();
  const raw = line.slice(cut + 1).trim();
  const quote = /^(["'])(.*?)\1\s*(#.*)?$/.exec(raw);
  if (quote) return { key, value: quote[2] ?? "" };
  if (/^["']/.test(raw)) return { col: line.indexOf(raw.charAt(0), cut) + 1, message: t("inv.unterminatedQuote", { quote: raw.charAt(0) }) };
  return { key, value: typed(raw.replace(/(^|\s+)#.*$/, "")) };
}

/**
 * Ansible evaluates INI values as Python literals; bkplay types only the unambiguous ones: integers (no leading
 * zero, as in Python 3) and true, True, false, False. Everything
 * else, and anything quoted, is a string.
 */
export function typed(text: string): unknown {
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (text === "true" || text === "True") return true;
  if (text === "false" || text === "False") return false;
  return text;
}

export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
