import { existsSync, readFileSync, statSync } from "node:fs";
import type { MarkerReader } from "../../src/generations/markers.js";

/** Marker detection reading this machine's files (a sandbox host's tree, by its local paths). */
export const localMarkers: MarkerReader = {
  exists: existsSync,
  content: (p) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, "utf8") : undefined),
};
