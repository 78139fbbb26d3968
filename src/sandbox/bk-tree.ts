import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { agentFiles } from "./bk-agent-files.js";
import { nginxFiles } from "./bk-nginx-files.js";
import { paasFiles } from "./bk-paas-files.js";
import type { TreeEntry } from "./tree-entry.js";

export const SANDBOX_ROLES = ["paas", "appo", "appt", "nginx", "mysql"] as const;
export type SandboxRole = (typeof SANDBOX_ROLES)[number];

function entriesFor(root: string, role: SandboxRole): TreeEntry[] {
  switch (role) {
    case "paas":
      return paasFiles();
    case "appo":
    case "appt":
      return agentFiles(root);
    case "nginx":
      return nginxFiles(root);
    case "mysql":
      return [{ kind: "dir", path: "etc" }];
  }
}

async function writeEntry(root: string, entry: TreeEntry): Promise<void> {
  const path = join(root, entry.path);
  if (entry.kind === "dir") {
    await mkdir(path, { recursive: true });
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  if (entry.kind === "symlink") {
    await symlink(entry.target, path);
    return;
  }
  await writeFile(path, entry.content);
  // chmod after writing, since writeFile's mode is filtered by the umask.
  if (entry.mode !== undefined) await chmod(path, entry.mode);
}

/** Replaces `root` with a fresh bkce 5.x tree for the given roles (also how tests reset a host). */
export async function writeBkTree(root: string, roles: readonly SandboxRole[]): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const byPath = new Map<string, TreeEntry>([["logs", { kind: "dir", path: "logs" }]]);
  // appo and appt on one host share their files; the first copy wins.
  for (const entry of roles.flatMap((role) => entriesFor(root, role))) {
    if (!byPath.has(entry.path)) byPath.set(entry.path, entry);
  }
  for (const entry of byPath.values()) await writeEntry(root, entry);
}
