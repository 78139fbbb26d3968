import type { Problem, SourceLocation } from "../errors.js";
import { t } from "../i18n/t.js";

/**
 * Control characters a value never means. NUL cannot reach a file, an argument or a C string whole (it was dropped
 * or cut the value short); the other C0 controls and DEL are terminal escapes or binary noise in a setting. Tab,
 * line feed and carriage return are allowed: multi-line text and CRLF files mean them (a variable whose schema
 * wants one line refuses them by its pattern).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;

const NAMES: Record<number, string> = { 0: "NUL", 7: "BEL", 8: "BS", 0x0b: "VT", 0x0c: "FF", 0x1b: "ESC", 0x7f: "DEL" };

export interface ControlFound {
  /** Key path below the value (empty for a string value itself). */
  path: (string | number)[];
  /** Offset of the character in the string (1-based, in UTF-16 units as JavaScript counts them). */
  at: number;
  name: string;
}

/** The first control character in a value (strings, and the keys and strings of lists and mappings). */
export function findControl(value: unknown, path: (string | number)[] = []): ControlFound | undefined {
  if (typeof value === "string") {
    const m = CONTROL.exec(value);
    if (!m) return undefined;
    const code = m[0].charCodeAt(0);
    return { path, at: m.index + 1, name: `${NAMES[code] ?? "control character"} (U+${code.toString(16).toUpperCase().padStart(4, "0")})` };
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findControl(v, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const found = findControl(k, [...path, k]) ?? findControl(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** One located problem when `value` holds a control character; `what` names the value (`-e db_user`, …). */
export function controlProblem(value: unknown, what: string, location?: SourceLocation): Problem | undefined {
  const found = findControl(value);
  if (!found) return undefined;
  const inside = found.path.length > 0 ? t("ctl.at", { path: found.path.join(".") }) : "";
  const message = t("ctl.holds", { what, name: found.name, inside, at: found.at });
  return location ? { message, location } : { message };
}
