/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, as JavaScript sorts), no whitespace, values as
 * JSON.stringify writes them, keys whose value is undefined left out (as JSON.stringify leaves them). Two plan files
 * that hold the same data have the same canonical bytes, however they are indented or their keys ordered.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What reviewers sign: the plan without its approvals, as canonical JSON in UTF-8, so each signature leaves the others valid. */
export function signedBytes(plan: object): Buffer {
  const { approvals: _approvals, ...signed } = plan as Record<string, unknown>;
  return Buffer.from(canonicalJson(signed), "utf8");
}
