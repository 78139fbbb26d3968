import { parse } from "yaml";

/** A value read from hosts' files: by cross-host `assert` conditions and by variables declared with `read:`. */
export interface Read {
  hosts: string;
  /** Several files: read in order, the last that sets the value wins (defaults, then the overrides). */
  file: string | string[];
  yaml?: string;
  python?: string;
  /** A regular expression: the value is its first group (or the whole match); no match is no value. */
  match?: string;
}

/** The value in one file's text; undefined when the file does not set it. */
export function extract(content: string, r: Read): unknown {
  const raw = rawValue(content, r);
  if (r.match === undefined || (typeof raw !== "string" && typeof raw !== "number")) return raw;
  const m = new RegExp(r.match).exec(String(raw));
  return m ? (m[1] ?? m[0]) : undefined;
}

function rawValue(content: string, r: Read): unknown {
  if (r.yaml !== undefined) {
    let node: unknown = parse(content) as unknown;
    for (const k of r.yaml.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    return node;
  }
  if (r.python !== undefined) {
    const matches = [...content.matchAll(new RegExp(`^${r.python}\\s*=\\s*(.+?)\\s*(?:#.*)?$`, "gm"))];
    const raw = matches.at(-1)?.[1];
    return raw === undefined ? undefined : raw.replace(/^[uU]?(['"])(.*)\1$/, "$2");
  }
  return content;
}
