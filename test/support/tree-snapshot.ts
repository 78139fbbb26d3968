import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** What a snapshot leaves out (`skip`), and files it keeps by their whole text rather than by hash and mtime (`byText`). */
export interface SnapshotOptions {
  skip?: (name: string) => boolean;
  byText?: (path: string) => boolean;
}

/**
 * Every entry under `root` with its type, mode, owner, mtime and content hash (a socket or fifo by its metadata: it
 * cannot be read): equal snapshots mean nothing was touched.
 */
export function snapshotTree(root: string, o: SnapshotOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (o.skip?.(name) === true) continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      const meta = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`;
      if (st.isSymbolicLink()) out[path] = `link ${readlinkSync(path)} ${meta}`;
      else if (st.isDirectory()) {
        out[path] = `dir ${meta}`;
        walk(path);
      } else if (st.isFile() && o.byText?.(path) === true) out[path] = `log ${readFileSync(path, "utf8")}`;
      else if (st.isFile()) out[path] = `file ${createHash("sha256").update(readFileSync(path)).digest("hex")} ${meta}`;
      else out[path] = `other ${meta}`;
    }
  };
  walk(root);
  return out;
}
