import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import standalone from "ajv/dist/standalone/index.js";
import { buildPlaybookSchema } from "../playbook/schema.js";
import { schemasDir } from "../paths.js";
import { stepTypes } from "../steps/index.js";
import { makeAjv } from "./check.js";
import { schemaHash, validatorsDir } from "./precompiled.js";

// ajv's standalone module is CommonJS: its `exports.default` is the function.
const standaloneCode = standalone.default;

/** `npm run build`: generate the validators of the schemas every run uses, so no run compiles them. */
const schemas: object[] = [
  buildPlaybookSchema(),
  JSON.parse(readFileSync(join(schemasDir, "inventory.schema.json"), "utf8")) as object,
  ...[...stepTypes.values()].map((s) => s.schema),
];
rmSync(validatorsDir, { recursive: true, force: true });
mkdirSync(validatorsDir, { recursive: true });
for (const schema of schemas) {
  const ajv = makeAjv(true);
  writeFileSync(join(validatorsDir, `${schemaHash(schema)}.cjs`), standaloneCode(ajv, ajv.compile(schema)));
}
process.stdout.write(`wrote ${schemas.length} validators to ${validatorsDir}\n`);
