import { createHash } from "node:crypto";
import { InternalError } from "../errors.js";
import type { Change, CommandFact, Facts, FileAttrs, FileFact, Probe, StatFact, TreeEntry } from "../steps/types.js";
import type { Gathered } from "./gathered.js";
import { probeKey } from "./probe-script.js";

export const remoteKey = (host: string, path: string): string => `${host}\0${path}`;

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * One host's facts as the steps planned so far will have left them: each step plans against the state
 * its predecessors produce, so two edits of one file compose and the dry run stays exact.
 */
export class HostFacts implements Facts {
  private readonly overlay = new Map<string, FileFact>();
  /** Files other hosts read for this host's steps, by remoteKey(host, path). */
  private readonly remote = new Map<string, FileFact>();

  constructor(private readonly gathered: Gathered) {}

  /** Files read on other hosts for a step of this one (see readRemote). */
  addRemote(files: ReadonlyMap<string, FileFact>): void {
    for (const [key, fact] of files) this.remote.set(key, fact);
  }

  private raw(probe: Probe): Gathered extends Map<string, infer V> ? V : never {
    const key = probeKey(probe);
    if (!this.gathered.has(key)) throw new InternalError(`fact read without a probe: ${key.replaceAll("\0", " ")}`);
    return this.gathered.get(key) ?? null;
  }

  /** Symlinks resolve to their target, so edits through a link and to the target meet. */
  private target(path: string): string {
    for (const kind of ["file", "stat"] as const) {
      const fact = this.gathered.get(probeKey({ kind, path })) as FileFact | undefined;
      if (fact?.realPath) return fact.realPath;
    }
    return path;
  }

  file(path: string): FileFact {
    const base = this.raw({ kind: "file", path }) as FileFact;
    const over = this.overlay.get(this.target(path));
    if (!over) return base;
    return over.exists ? { ...base, ...over, path } : { path, exists: false };
  }

  stat(path: string): StatFact {
    const key = probeKey({ kind: "stat", path });
    const base = (this.gathered.has(key) ? this.raw({ kind: "stat", path }) : this.raw({ kind: "file", path })) as StatFact;
    const over = this.overlay.get(this.target(path));
    if (!over) return base;
    if (!over.exists) return { path, exists: false };
    const { content: _content, ...stat } = { ...base, ...over, path };
    return stat;
  }

  tree(path: string): TreeEntry[] | undefined {
    return (this.raw({ kind: "tree", path }) as TreeEntry[] | null) ?? undefined;
  }

  command(command: string): CommandFact {
    const found = [...this.gathered.entries()].find(([k]) => k.startsWith(`command\0${command}\0`));
    if (!found) throw new InternalError(`fact read without a probe: command ${command}`);
    return found[1] as CommandFact;
  }

  remoteFile(host: string, path: string): FileFact {
    const fact = this.remote.get(remoteKey(host, path));
    if (!fact) throw new InternalError(`remote file read without a probe: ${host}:${path}`);
    return fact;
  }

  /** Current (planned) text of a file by its real path; "" when missing. */
  contentAt(realPath: string): string {
    const over = this.overlay.get(realPath);
    if (over) return over.content ?? "";
    for (const fact of this.gathered.values()) {
      const f = fact as FileFact | null;
      if (f && "exists" in f && (f.realPath === realPath || f.path === realPath) && f.content !== undefined) return f.content;
    }
    return "";
  }

  /** Type, mode, owner and group of a path as read on the host: its own stat, or its entry in a tree read above it. */
  readAttrs(path: string): (FileAttrs & { type: TreeEntry["type"] }) | undefined {
    for (const kind of ["stat", "file"] as const) {
      const f = this.gathered.get(probeKey({ kind, path })) as StatFact | null | undefined;
      if (f?.exists) return { type: f.type ?? "other", ...attrs(f) };
    }
    for (const [key, value] of this.gathered) {
      if (!key.startsWith("tree\0") || !Array.isArray(value)) continue;
      const root = key.slice("tree\0".length).replace(/\/+$/, "");
      const rel = path === root ? "" : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : undefined;
      const entry = rel === undefined ? undefined : value.find((e) => e.rel === rel);
      if (entry) return { type: entry.type, mode: entry.mode, owner: entry.owner, group: entry.group };
    }
    return undefined;
  }

  /** Record a planned change so later steps see its effect. */
  record(change: Change): void {
    switch (change.kind) {
      case "write-file": {
        const prev = this.overlay.get(change.path) ?? {};
        this.overlay.set(change.path, { ...prev, path: change.path, exists: true, type: "file", content: change.content, sha256: sha256(change.content), size: Buffer.byteLength(change.content), ...attrs(change) });
        break;
      }
      case "upload":
        this.overlay.set(change.path, { path: change.path, exists: true, type: "file", sha256: change.sha256, ...attrs(change) });
        break;
      case "mkdir":
        this.overlay.set(change.path, { path: change.path, exists: true, type: "dir", ...attrs(change) });
        break;
      case "attrs": {
        const prev = this.overlay.get(change.path);
        if (prev) this.overlay.set(change.path, { ...prev, ...attrs(change) });
        break;
      }
      case "remove":
        this.overlay.set(change.path, { path: change.path, exists: false });
        break;
      case "extract":
      case "run":
        break;
    }
  }
}

function attrs(c: { mode?: number; owner?: string; group?: string }): Partial<FileFact> {
  const out: Partial<FileFact> = {};
  if (c.mode !== undefined) out.mode = c.mode;
  if (c.owner !== undefined) out.owner = c.owner;
  if (c.group !== undefined) out.group = c.group;
  return out;
}
