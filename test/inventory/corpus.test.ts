import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadInventory } from "../../src/inventory/load.js";
import { catchInputError } from "./catch-input-error.js";

/** Each corpus file is a bad inventory whose first line says where and what the first problem must be. */
const root = join(import.meta.dirname, "../../../test/corpus/inventory");

describe("bad inventory corpus", () => {
  for (const name of readdirSync(root).sort()) {
    it(name, () => {
      const file = join(root, name);
      const expectLine = /^# expect: (\d+):(\d+) (.+)$/.exec(readFileSync(file, "utf8").split("\n")[0] ?? "");
      if (!expectLine) throw new Error(`${name}: first line must be '# expect: LINE:COL message fragment'`);
      const [, line, col, fragment] = expectLine;
      const first = catchInputError(() => loadInventory(file)).problems[0];
      expect(first?.location).to.deep.equal({ file, line: Number(line), col: Number(col) });
      expect(first?.message).to.include(fragment);
    });
  }
});
