/** Stand-in for a secret wherever SQL is shown to the operator. */
export const MASK = "••••";

const LITERAL = String.raw`(?:'(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*")`;
/**
 * `IDENTIFIED [WITH plugin] BY [PASSWORD] '…'`, `PASSWORD('…')`, `SET PASSWORD … = '…'`, and a user variable
 * named like a password (`SET @app_password = '…'`, for SQL that builds `CREATE USER` in a prepared statement).
 */
const SECRET_LITERALS = [
  new RegExp(String.raw`(\bIDENTIFIED\b[^;]*?\bBY\s+(?:PASSWORD\s+)?)${LITERAL}`, "gi"),
  new RegExp(String.raw`(\bPASSWORD\s*\(\s*)${LITERAL}`, "gi"),
  new RegExp(String.raw`(\bSET\s+PASSWORD\b[^;=]*=\s*)${LITERAL}`, "gi"),
  new RegExp(String.raw`(@\w*(?:password|passwd|pwd|secret)\w*\s*:?=\s*)${LITERAL}`, "gi"),
];

/** Mask password literals and the login password wherever it appears, also as spelled inside an SQL string. */
export function maskSecrets(text: string, password: string | undefined): string {
  let out = text;
  for (const re of SECRET_LITERALS) out = out.replace(re, `$1'${MASK}'`);
  if (!password) return out;
  const doubled = password.replaceAll("'", "''");
  const spellings = [doubled.replaceAll("\\", "\\\\"), doubled, password.replace(/[\\'"]/g, "\\$&"), password];
  for (const spelling of spellings) out = out.split(spelling).join(MASK);
  return out;
}

/**
 * A MySQL option-file value, double-quoted with the escapes the client's option parser undoes (`\\`, `\"`,
 * `\n`…), so any password survives on one line.
 */
export function optionValue(value: string): string {
  const escapes: Record<string, string> = { "\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b" };
  return `"${value.replace(/[\\"'\n\r\t\b]/g, (c) => escapes[c] ?? c)}"`;
}
