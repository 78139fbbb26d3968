import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { schemasDir } from "../paths.js";
import { buildPlaybookSchema } from "./schema.js";

/** `npm run schema` (after a build): write schemas/playbook.schema.json, the schema assembled from every step type's fragment. */
const file = join(schemasDir, "playbook.schema.json");
writeFileSync(file, `${JSON.stringify(buildPlaybookSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
