import { createHash } from "node:crypto";
import type { CommandFact, FileFact, Probe, TreeEntry } from "../steps/types.js";
import { fromBase64, parseRecords, probeKey, type RawRecord } from "./probe-script.js";

export type Gathered = Map<string, FileFact | TreeEntry[] | CommandFact | null>;

const TYPES: Record<string, "file" | "dir"> = { "regular file": "file", "regular empty file": "file", directory: "dir" };

/** Turn the probe script's records back into facts, keyed by probeKey. */
export function readGathered(probes: readonly Probe[], stdout: string): { facts: Gathered; complete: boolean } {
  const { records, complete } = parseRecords(stdout);
  const byIndex = new Map<number, RawRecord[]>();
  for (const r of records) byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r]);
  const facts: Gathered = new Map();
  probes.forEach((p, i) => {
    const recs = byIndex.get(i) ?? [];
    const field = (f: string): RawRecord | undefined => recs.find((r) => r.field === f);
    if (p.kind === "command") {
      facts.set(probeKey(p), {
        command: p.command,
        exitCode: Number(field("X")?.values[0] ?? 255),
        stdout: fromBase64(field("O")?.values[0]),
        stderr: fromBase64(field("E")?.values[0]),
      });
    } else if (p.kind === "tree") {
      const t = field("T");
      facts.set(probeKey(p), t ? parseTree(fromBase64(t.values[0])) : null);
    } else {
      facts.set(probeKey(p), parseStat(p.path, field));
    }
  });
  return { facts, complete };
}

function parseStat(path: string, field: (f: string) => RawRecord | undefined): FileFact {
  const s = field("S");
  if (!s) return { path, exists: false };
  const [type = "", mode = "0", owner = "", group = "", size = "0"] = s.values.slice(1).join(" ").split("|");
  const fact: FileFact = {
    path,
    exists: type !== "",
    type: TYPES[type] ?? "other",
    isLink: s.values[0] === "1",
    // The probe prints no R record for a path that is already canonical.
    realPath: fromBase64(field("R")?.values[0]).trim() || path,
    mode: parseInt(mode, 8),
    owner,
    group,
    size: Number(size),
  };
  const sha = field("H")?.values[0];
  if (sha) fact.sha256 = sha;
  const content = field("C");
  if (content) {
    const bytes = Buffer.from(content.values[0] ?? "", "base64");
    fact.sha256 = createHash("sha256").update(bytes).digest("hex");
    fact.content = bytes.toString("utf8");
  }
  return fact;
}

const TREE_TYPES: Record<string, TreeEntry["type"]> = { f: "file", d: "dir", l: "link" };

function parseTree(listing: string): TreeEntry[] {
  return listing
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [y = "", m = "0", owner = "", group = "", ...rest] = l.split(" ");
      return { rel: rest.join(" "), type: TREE_TYPES[y] ?? "other", mode: parseInt(m, 8), owner, group };
    });
}
