import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { t } from "../i18n/t.js";

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
    return t("local.cannotRead", { path, code: (err as NodeJS.ErrnoException).code ?? String(err) });
  }
  if (kind === "other") return t("local.neither", { path });
  if (kind === "dir") {
    const entries = readdirSync(path, { withFileTypes: true });
    const other = entries.find((e) => !e.isFile() || !PACKAGE.test(e.name));
    if (other) return t("local.notPackage", { path, entry: join(path, other.name) });
    if (entries.length === 0) return t("local.empty", { path });
    return null;
  }
  if (!/\.(tar\.gz|tgz)$/i.test(path)) return t("local.notArchive", { path });
  const head = Buffer.alloc(2);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x1f && head[1] === 0x8b ? null : t("local.notGzip", { path });
}
