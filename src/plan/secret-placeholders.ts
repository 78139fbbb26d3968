import { spellings } from "../report/redact.js";

/**
 * Secrets never enter a plan file or the audit log: each value, however it is spelled where it was interpolated
 * (as is, shell-quoted, in a Python, SQL or JSON string), is swapped for a named placeholder.
 */
export function hideSecrets<T>(value: T, secrets: Readonly<Record<string, string>>): T {
  const pairs = Object.entries(secrets)
    .filter(([, v]) => v.length > 0)
    .flatMap(([name, v]) => [...new Set(spellings(v))].map((s) => [name, s] as const))
    .sort((a, b) => b[1].length - a[1].length);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return pairs.reduce((s, [name, secret]) => s.split(secret).join(`«secret:${name}»`), v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
