import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The project root (this file runs from dist/test/conformance/). */
export const PROJECT_ROOT = join(import.meta.dirname, "../../..");

/** Genuine BlueKing files, beside the project; CI has them, a fresh clone may not. Never copied into the repository. */
export const REAL_DIR = join(PROJECT_ROOT, "..", "shared", "real");

export const realPath = (name: string): string => join(REAL_DIR, name);

/** A genuine file's bytes, as text. */
export const readReal = (name: string): string => readFileSync(realPath(name), "utf8");

/** In a describe block: skip it, saying so, when the genuine files are not there. */
export function needRealFiles(): void {
  before(function () {
    if (existsSync(REAL_DIR)) return;
    console.log(`  [conformance] skipped: no genuine BlueKing files at ${REAL_DIR}`);
    this.skip();
  });
}
