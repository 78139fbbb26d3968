import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import standalone from "ajv/dist/standalone/index.js";
import { AUDIT_ENTRY_SCHEMA } from "../audit/audit-log.js";
import { PLAN_SCHEMA } from "../plan/plan-schema.js";
import { buildPlaybookSchema } from "../playbook/schema.js";
import { schemasDir, shippedPlaybooksDir } from "../paths.js";
import { loadPlaybook } from "../playbook/load.js";
import { schemaOf } from "../playbook/var-specs.js";
import { stepTypes } from "../steps/index.js";
import { makeAjv } from "../schema/check.js";
import { schemaHash, validatorsDir } from "../schema/precompiled.js";

// ajv's standalone module is CommonJS: its `exports.default` is the function.
const standaloneCode = standalone.default;

rmSync(validatorsDir, { recursive: true, force: true });
const shippedVars = readdirSync(shippedPlaybooksDir)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((f) => Object.values(loadPlaybook(join(shippedPlaybooksDir, f)).vars).map(schemaOf));
/** `npm run build`: generate the validators of the schemas every run uses, so no run loads Ajv's compiler. */
const schemas = new Map<string, object>([
  buildPlaybookSchema(),
  JSON.parse(readFileSync(join(schemasDir, "inventory.schema.json"), "utf8")) as object,
  ...[...stepTypes.values()].map((s) => s.schema),
  ...shippedVars,
  PLAN_SCHEMA,
  AUDIT_ENTRY_SCHEMA,
].map((schema) => [schemaHash(schema), schema]));
mkdirSync(validatorsDir, { recursive: true });
for (const [hash, schema] of schemas) {
  const ajv = makeAjv(true);
  writeFileSync(join(validatorsDir, `${hash}.cjs`), standaloneCode(ajv, ajv.compile(schema)));
}
process.stdout.write(`wrote ${schemas.size} validators to ${validatorsDir}\n`);
