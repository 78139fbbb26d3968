/**
 * One thing the sandbox tree writer creates. A relative path is under the host's install root; an absolute
 * one is a system path, placed under the host's sysroot (the layouts' convention, see placePath).
 */
export type TreeEntry =
  | { kind: "file"; path: string; content: string; mode?: number }
  | { kind: "dir"; path: string }
  | { kind: "symlink"; path: string; target: string };

export const file = (path: string, content: string, mode?: number): TreeEntry => (mode === undefined ? { kind: "file", path, content } : { kind: "file", path, content, mode });
export const dir = (path: string): TreeEntry => ({ kind: "dir", path });
export const symlink = (path: string, target: string): TreeEntry => ({ kind: "symlink", path, target });
export const script = (path: string, content: string): TreeEntry => file(path, content, 0o755);
