import { createHash } from "node:crypto";
import type { CommandFact, Facts, FileFact, Probe, StatFact, TreeEntry } from "../../src/steps/types.js";

export interface FactData {
  /** path → content (null: missing). Regular files, mode 0644 root:root unless `stats` says otherwise. */
  files?: Record<string, string | null>;
  stats?: Record<string, Partial<StatFact>>;
  trees?: Record<string, TreeEntry[]>;
  commands?: Record<string, { exitCode: number; stdout?: string; stderr?: string }>;
  /** Files on other hosts, `host:path` → content (null: missing). */
  remote?: Record<string, string | null>;
}

/** Facts served from case data; records what a plan read so tests can check it was probed. */
export function memoryFacts(data: FactData): { facts: Facts; reads: Probe[] } {
  const reads: Probe[] = [];
  const statOf = (path: string): StatFact => {
    const content = data.files?.[path];
    const base: StatFact =
      content === undefined || content === null
        ? { path, exists: false }
        : { path, exists: true, type: "file", realPath: path, mode: 0o644, owner: "root", group: "root", size: Buffer.byteLength(content), sha256: sha256(content) };
    const extra = data.stats?.[path];
    return extra ? { ...base, exists: true, realPath: path, ...extra } : base;
  };
  const facts: Facts = {
    file(path): FileFact {
      reads.push({ kind: "file", path });
      const content = data.files?.[path];
      const stat = statOf(path);
      return typeof content === "string" ? { ...stat, content } : stat;
    },
    stat(path) {
      reads.push({ kind: "stat", path });
      return statOf(path);
    },
    tree(path) {
      reads.push({ kind: "tree", path });
      return data.trees?.[path];
    },
    remoteFile(host, path): FileFact {
      const content = data.remote?.[`${host}:${path}`];
      if (content === undefined) throw new Error(`case data has no remote file ${host}:${path}`);
      return content === null ? { path, exists: false } : { path, exists: true, type: "file", realPath: path, mode: 0o644, owner: "root", group: "root", size: Buffer.byteLength(content), sha256: sha256(content), content };
    },
    command(command): CommandFact {
      reads.push({ kind: "command", command });
      const c = data.commands?.[command];
      if (!c) throw new Error(`case data has no result for command: ${command}`);
      return { command, exitCode: c.exitCode, stdout: c.stdout ?? "", stderr: c.stderr ?? "" };
    },
  };
  return { facts, reads };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
