import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { packageRoot } from "../paths.js";

/** Validators generated at build time live here, one CommonJS module per schema, named by the schema's hash. */
export const validatorsDir = join(packageRoot, "dist", "validators");

export function schemaHash(schema: object): string {
  return createHash("sha256").update(JSON.stringify(schema)).digest("hex").slice(0, 32);
}

const load = createRequire(import.meta.url);

/** The build-time validator of exactly this schema, if there is one (a changed schema has another hash). */
export function loadPrecompiled(schema: object): ValidateFunction | undefined {
  const file = join(validatorsDir, `${schemaHash(schema)}.cjs`);
  return existsSync(file) ? (load(file) as ValidateFunction) : undefined;
}
