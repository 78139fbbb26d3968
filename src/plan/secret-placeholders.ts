/** Secrets never enter a plan file or the audit log: each value is swapped for a named placeholder. */
export function hideSecrets<T>(value: T, secrets: Readonly<Record<string, string>>): T {
  const pairs = Object.entries(secrets).filter(([, v]) => v.length > 0).sort((a, b) => b[1].length - a[1].length);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return pairs.reduce((s, [name, secret]) => s.split(secret).join(`«secret:${name}»`), v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
