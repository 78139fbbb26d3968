/** A top-level `NAME = value` statement found in Python source. */
export interface PyAssignment {
  name: string;
  /** 1-based line of the statement. */
  line: number;
  /** Offsets of the value expression (trailing comment and whitespace excluded). */
  valueStart: number;
  valueEnd: number;
  /** The statement continues onto further lines (open bracket, triple-quoted string, backslash). */
  multiline: boolean;
  /** `A = B = 1`: the value holds another assignment target. */
  chained: boolean;
}

// Sticky: tried only where a statement starts.
const ASSIGN_START = /([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*/y;

/**
 * Top-level assignments in statement order. Tokenises strings, brackets, comments and continuations so that
 * text inside a triple-quoted string or a multi-line dict is never mistaken for a statement.
 */
export function findPyAssignments(src: string): PyAssignment[] {
  const found: PyAssignment[] = [];
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const startLine = line;
    ASSIGN_START.lastIndex = pos;
    const head = ASSIGN_START.exec(src);
    const scanFrom = head ? ASSIGN_START.lastIndex : pos;
    const stmt = scanStatement(src, scanFrom);
    if (head?.[1] !== undefined) {
      found.push({ name: head[1], line: startLine, valueStart: scanFrom, valueEnd: stmt.valueEnd, multiline: stmt.lines > 0, chained: stmt.chained });
    }
    line += stmt.lines + 1;
    pos = stmt.next;
  }
  return found;
}

interface Statement {
  /** End of the expression: before a comment, `;` or the line end, trailing blanks trimmed. */
  valueEnd: number;
  /** Line breaks inside the statement. */
  lines: number;
  chained: boolean;
  /** Offset just past the statement's final newline. */
  next: number;
}

function scanStatement(src: string, from: number): Statement {
  let depth = 0;
  let lines = 0;
  let chained = false;
  let valueEnd = -1;
  let i = from;
  const endValue = (at: number): void => {
    if (valueEnd < 0) valueEnd = trimEnd(src, from, at);
  };
  while (i < src.length) {
    const ch = src[i] ?? "";
    if (ch === "\n") {
      if (depth === 0) break;
      lines++;
      i++;
    } else if (ch === "#") {
      if (depth === 0) endValue(i);
      while (i < src.length && src[i] !== "\n") i++;
    } else if (ch === "'" || ch === '"') {
      const end = skipString(src, i);
      lines += countNewlines(src, i, end);
      i = end;
    } else if (ch === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
      i = src.indexOf("\n", i) + 1;
      lines++;
    } else {
      if ("([{".includes(ch)) depth++;
      else if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
      else if (ch === ";" && depth === 0) endValue(i);
      else if (ch === "=" && depth === 0 && valueEnd < 0 && isBareEquals(src, i)) chained = true;
      i++;
    }
  }
  endValue(i);
  return { valueEnd, lines, chained, next: i + 1 };
}

/** Offset just past the string literal opening at `start` (an unterminated one-line string stops at the newline). */
function skipString(src: string, start: number): number {
  const q = src[start] ?? "";
  const triple = src.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < src.length) {
    if (src[i] === "\\") i += 2;
    else if (src.startsWith(close, i)) return i + close.length;
    else if (!triple && src[i] === "\n") return i;
    else i++;
  }
  return src.length;
}

function isBareEquals(src: string, i: number): boolean {
  return !"=!<>+-*/%&|^@:".includes(src[i - 1] ?? "") && src[i + 1] !== "=";
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = src.indexOf("\n", from); i >= 0 && i < to; i = src.indexOf("\n", i + 1)) n++;
  return n;
}

function trimEnd(src: string, from: number, to: number): number {
  let end = to;
  while (end > from && " \t\r\f".includes(src[end - 1] ?? "")) end--;
  return end;
}
