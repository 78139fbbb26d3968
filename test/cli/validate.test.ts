import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { shippedPlaybooksDir } from "../../src/paths.js";
import { bkplay } from "../support/cli.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures");

describe("bkplay validate", () => {
  it("change-domain is valid", async () => {
    const r = await bkplay(["validate", "change-domain"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^ok change-domain /m);
  });

  for (const file of readdirSync(shippedPlaybooksDir).filter((f) => f.endsWith(".yaml"))) {
    it(`shipped ${file} is valid`, async () => {
      const r = await bkplay(["validate", join(shippedPlaybooksDir, file)]);
      expect(r.code, r.stderr).to.equal(0);
    });
  }

  it("the agent hosts' and the login's remediations render for every host of an install (the secret from the environment)", async () => {
    for (const name of ["clean-stale-app-run", "agent-nginx-listen", "set-cc-job-hosts", "reset-admin-password"]) {
      const r = await bkplay(["validate", name, "-i", join(fixtures, "inventory/bk5.yaml")], { env: { BKPLAY_VAR_password: "Vd8#qLm2Rx", BKPLAY_VAR_cc_host: "cmdb.example.com" } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^ok ${name} `, "m"));
    }
  });

  it("with -i, renders for every host", async () => {
    const inventory = join(fixtures, "inventory/bk5.yaml");
    const ok = await bkplay(["validate", join(fixtures, "playbooks/typed-vars.yaml"), "-i", inventory]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^ok typed-vars /m);
    const bad = await bkplay(["validate", join(fixtures, "playbooks/typed-vars.yaml"), "-i", inventory, "-e", "retries=0"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.equal("-e retries: 0 must be >= 1 (hosts bk-1, bk-2, bk-3, bk-4, bk-5)\n");
  });
});
