import { parse } from "yaml";
import type { Facts, FileFact } from "../steps/types.js";
import { findPyAssignments } from "../steps/python-assignments.js";

/** A Python literal's value: a quoted string unquoted, a number as a number, anything else (an expression) as written. */
function pyLiteral(raw: string): string | number {
  const s = /^[uUbBrR]?(['"])(.*)\1$/s.exec(raw.trim());
  if (s) return s[2] ?? "";
  const n = Number(raw.trim());
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw.trim();
}

/** The top-level assignments of a Python settings file, last one wins (as Python runs it). */
export function pyValues(content: string): Map<string, { raw: string; value: string | number; line: number }> {
  const out = new Map<string, { raw: string; value: string | number; line: number }>();
  for (const a of findPyAssignments(content)) {
    const raw = content.slice(a.valueStart, a.valueEnd);
    out.set(a.name, { raw, value: pyLiteral(raw), line: a.line });
  }
  return out;
}

/** A value set in Python files read in order (defaults, then overrides): the last that sets it, with where. */
export function pyEffective(files: readonly FileFact[], name: string): { value: string | number; file: string; line: number } | undefined {
  let found: { value: string | number; file: string; line: number } | undefined;
  for (const f of files) {
    const v = f.content === undefined ? undefined : pyValues(f.content).get(name);
    if (v) found = { value: v.value, file: f.path, line: v.line };
  }
  return found;
}

/** A dotted key's value in a YAML file; undefined when the file does not parse or lacks it. */
export function yamlValue(content: string, path: string): unknown {
  let node: unknown;
  try {
    node = parse(content) as unknown;
  } catch {
    return undefined;
  }
  for (const k of path.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

/** The file's content, or undefined when it is not there (missing, not a regular file, unreadable). */
export const contentOf = (facts: Facts, path: string): string | undefined => {
  const f = facts.file(path);
  return f.exists && f.type === "file" ? f.content : undefined;
};

/**
 * `bkplay plan …` as the operator types it, each value quoted for the shell when it needs to be; `limit`: the hosts
 * the fix is for (`-l`), when it must not touch the others.
 */
export function planCommand(playbook: string, inventory: string, vars: Readonly<Record<string, string | number>>, limit?: readonly string[]): string {
  const word = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
  const l = limit === undefined ? "" : ` -l ${word(limit.join(","))}`;
  const e = Object.entries(vars).map(([k, v]) => ` -e ${word(`${k}=${v}`)}`).join("");
  return `bkplay plan ${playbook} -i ${word(inventory)}${l}${e} -o ${playbook}.plan.json`;
}

/** The one value every host read agrees on; undefined when none was read or they differ. */
export function agreed(values: readonly string[]): string | undefined {
  const distinct = [...new Set(values)];
  return distinct.length === 1 ? distinct[0] : undefined;
}
