import { execFileSync } from "node:child_process";

/** A local directory packed as a reproducible tar.gz (sorted, fixed mtime/owner) so its sha256 is stable. */
export function packLocal(dir: string): Buffer {
  return execFileSync("sh", ["-c", 'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf - . | gzip -n', "pack", dir], { maxBuffer: 1 << 30 });
}
