import { parse } from "yaml";
import type { VarSpec } from "./types.js";

/** Turn a `-e name=value` string (or a rendered default) into the declared type; unchanged when it cannot. */
export function coerce(spec: VarSpec, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const types = Array.isArray(spec.type) ? (spec.type as string[]) : [spec.type ?? "string"];
  if (types.includes("string")) return value;
  const t = value.trim();
  if ((types.includes("integer") && /^-?\d+$/.test(t)) || (types.includes("number") && t !== "" && !Number.isNaN(Number(t)))) return Number(t);
  if (types.includes("boolean") && /^(true|false|yes|no)$/i.test(t)) return /^(true|yes)$/i.test(t);
  if (types.includes("null") && (t === "" || t === "null")) return null;
  if (types.includes("array") || types.includes("object")) {
    if (/^[[{]/.test(t)) {
      try {
        return parse(t) as unknown;
      } catch {
        return value;
      }
    }
    if (types.includes("array")) return t === "" ? [] : t.split(",").map((s) => s.trim());
  }
  return value;
}
