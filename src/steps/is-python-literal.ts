// One token at a time, sticky: a string (any prefix but f), a number, a constant, or punctuation.
const TOKEN =
  /\s*(?:((?:[rRuUbB]|[bB][rR]|[rR][bB])?(?:'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"))|([-+]?(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?[jJ]?)(?![\w.])|(?:True|False|None)\b)|([[\](){}:,]))/y;

type Token = "string" | "atom" | "[" | "]" | "(" | ")" | "{" | "}" | ":" | ",";

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const end = text.trimEnd().length;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < end) {
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    tokens.push(m[1] !== undefined ? "string" : m[2] !== undefined ? "atom" : (m[3] as Token));
  }
  return tokens;
}

/**
 * Whether a single-line Python value is a plain literal (string, number, True/False/None, or a list, tuple,
 * set or dict of them): what py_assign may replace without losing anything the file computed.
 */
export function isPythonLiteral(text: string): boolean {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return false;
  let i = 0;
  const take = (t: Token): boolean => tokens[i] === t && ++i > 0;
  const value = (): boolean => {
    if (take("atom")) return true;
    // Adjacent strings concatenate ('a' 'b').
    if (take("string")) {
      while (take("string"));
      return true;
    }
    if (take("[")) return items("]", false);
    if (take("(")) return items(")", false);
    return take("{") && items("}", true);
  };
  /** Comma-separated values (or `key: value` pairs, not both, in braces) up to `close`; a trailing comma is fine. */
  const items = (close: Token, braces: boolean): boolean => {
    let pairs: boolean | undefined;
    for (;;) {
      if (take(close)) return true;
      if (!value()) return false;
      if (braces) {
        const pair = take(":");
        if ((pairs ?? pair) !== pair || (pair && !value())) return false;
        pairs = pair;
      }
      if (take(close)) return true;
      if (!take(",")) return false;
    }
  };
  // A bare tuple (`1, 2`) is a literal too.
  do if (!value()) return false;
  while (take(",") && i < tokens.length);
  return i === tokens.length;
}
