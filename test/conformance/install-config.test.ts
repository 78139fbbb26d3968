import { needRealFiles } from "./genuine.js";

describe("conformance: genuine install.config files", () => {
  needRealFiles();
  // No playbook edits an install.config: it is only read as an inventory, which test/inventory covers.
  it("install-config/*: nothing to apply (read as inventories by test/inventory)");
});
