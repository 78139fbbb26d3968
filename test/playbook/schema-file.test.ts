import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { schemasDir } from "../../src/paths.js";
import { buildPlaybookSchema } from "../../src/playbook/schema.js";

describe("schemas/playbook.schema.json", () => {
  it("is the schema assembled from the step types", () => {
    const committed = JSON.parse(readFileSync(join(schemasDir, "playbook.schema.json"), "utf8")) as unknown;
    expect(committed, "schemas/playbook.schema.json is stale: run `npm run build && npm run schema`").to.deep.equal(buildPlaybookSchema());
  });
});
