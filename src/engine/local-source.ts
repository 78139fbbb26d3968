import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";

/** What pip's --find-links reads: wheels and source distributions. */
const PACKAGE = /\.(whl|tar\.gz|tgz|tar\.bz2|zip)$/i;

/**
 * Why a local `src` of `unarchive` may not be uploaded; null when it may. Only a .tar.gz/.tgz archive (gzip inside, not
 * just the name) or a directory of Python wheels/sdists is: any other controller file (`../../etc/hostname`, a key)
 * never leaves the controller.
 */
export function archiveSourceProblem(path: string): string | null {
  let kind: "file" | "dir" | "other";
  try {
    const st = statSync(path);
    kind = st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
  } catch (err) {
    return `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  if (kind === "other") return `${path} is neither a file nor a directory`;
  if (kind === "dir") {
    const entries = readdirSync(path, { withFileTypes: true });
    const other = entries.find((e) => !e.isFile() || !PACKAGE.test(e.name));
    if (other) return `${path} is a directory, and ${join(path, other.name)} is not a Python wheel or sdist (.whl, .tar.gz, .tgz, .tar.bz2, .zip at its top level): only those are uploaded`;
    if (entries.length === 0) return `${path} is an empty directory: no package to upload`;
    return null;
  }
  if (!/\.(tar\.gz|tgz)$/i.test(path)) return `${path} is not a .tar.gz or .tgz archive, nor a directory of Python wheels/sdists`;
  const head = Buffer.alloc(2);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x1f && head[1] === 0x8b ? null : `${path} is named like an archive but is not gzip data`;
}
