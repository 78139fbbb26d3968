import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** Every file and link under `root` by content (sha256, mode, link target): what an edit may or may not touch. */
export function contentOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out.set(path, `link ${readlinkSync(path)}`);
      else if (st.isDirectory()) walk(path);
      else out.set(path, `${createHash("sha256").update(readFileSync(path)).digest("hex")} ${st.mode.toString(8)}`);
    }
  };
  walk(root);
  return out;
}

/** Paths whose content differs between two snapshots, added and removed ones included. */
export function differing(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

export interface LineChange {
  line: number;
  before: string;
  after: string;
}

/** The lines that differ, when both texts have the same lines (an edit of values only); else an error saying so. */
export function lineChanges(before: string, after: string): LineChange[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} → ${b.length}`);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ line: i + 1, before: line, after: b[i] ?? "" }]));
}

/** The change expected on the one line matching `match`: `from` replaced by `to` in it, nothing else. */
export function expectedLine(text: string, match: RegExp, from: string, to: string): LineChange {
  const lines = text.split("\n");
  const hits = lines.flatMap((l, i) => (match.test(l) ? [i] : []));
  const [i] = hits;
  if (hits.length !== 1 || i === undefined) throw new Error(`expected one line matching ${String(match)}, found ${hits.length}`);
  const before = lines[i] ?? "";
  if (!before.includes(from)) throw new Error(`line ${i + 1} has no ${from}: ${before}`);
  return { line: i + 1, before, after: before.replace(from, to) };
}
