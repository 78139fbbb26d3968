import { expect } from "chai";
import { join } from "node:path";
import { loadInventory } from "../../src/inventory/load.js";
import { matchHosts, selectHosts } from "../../src/inventory/limit.js";
import type { Inventory } from "../../src/inventory/types.js";
import { catchInputError } from "./catch-input-error.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/inventory");
// Groups: web > nginx {bk-1}; platform > paas {bk-1, bk-2}, appo {bk-2, bk-3}, appt {bk-4}; mysql {bk-5}.
const inventory: Inventory = loadInventory(join(fixtures, "bk5-ansible.yaml"));
const names = (pattern: string): string[] => matchHosts(inventory, pattern).map((h) => h.name);

describe("host patterns", () => {
  const cases: [pattern: string, expected: string[]][] = [
    ["bk-3", ["bk-3"]],
    ["paas", ["bk-1", "bk-2"]],
    ["platform", ["bk-1", "bk-2", "bk-3", "bk-4"]],
    ["all", ["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]],
    ["mysql,bk-1", ["bk-1", "bk-5"]],
    ["appo:appt", ["bk-2", "bk-3", "bk-4"]],
    [" appt , mysql ", ["bk-4", "bk-5"]],
    ["bk-[13]", ["bk-1", "bk-3"]],
    ["bk-[!13]", ["bk-2", "bk-4", "bk-5"]],
    ["bk-[2-4]", ["bk-2", "bk-3", "bk-4"]],
    ["bk-?", ["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]],
    ["app*", ["bk-2", "bk-3", "bk-4"]],
    ["*form", ["bk-1", "bk-2", "bk-3", "bk-4"]],
    ["platform:!paas", ["bk-3", "bk-4"]],
    ["!paas", ["bk-3", "bk-4", "bk-5"]],
    ["!paas,platform", ["bk-3", "bk-4"]],
    ["platform:&appo", ["bk-2", "bk-3"]],
    ["&paas,&appo", ["bk-2"]],
    ["platform,mysql:&app*:!bk-4", ["bk-2", "bk-3"]],
    ["bk.1", []],
    ["nope", []],
    ["", []],
  ];
  for (const [pattern, expected] of cases) {
    it(`'${pattern}' → ${expected.join(", ") || "nothing"}`, () => {
      expect(names(pattern)).to.deep.equal(expected);
    });
  }

  it("selectHosts keeps every host without a pattern", () => {
    expect(selectHosts(inventory, undefined)).to.equal(inventory.hosts);
  });

  it("selectHosts refuses a pattern that matches nothing, listing the groups and hosts", () => {
    const err = catchInputError(() => selectHosts(inventory, "paas:&mysql"));
    expect(err.message).to.equal("--limit 'paas:&mysql' matches no host (groups: web, nginx, platform, paas, appo, appt, mysql; hosts: bk-1, bk-2, bk-3, bk-4, bk-5)");
  });

  it("selectHosts suggests the group a misspelt or longer name meant", () => {
    expect(catchInputError(() => selectHosts(inventory, "apto")).message).to.match(/^--limit 'apto' matches no host — did you mean 'appo'\? \(groups: /);
    expect(catchInputError(() => selectHosts(inventory, "open_paas")).message).to.match(/^--limit 'open_paas' matches no host — did you mean 'paas'\? /);
  });

  it("selectHosts abbreviates a long host list", () => {
    const config = loadInventory(join(fixtures, "many-hosts.install.config"));
    expect(config.hosts).to.have.length(12);
    expect(catchInputError(() => selectHosts(config, "web*")).message).to.match(/; hosts: 10\.0\.0\.1, .*10\.0\.0\.10, …\)$/);
  });
});
