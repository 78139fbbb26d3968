import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWork } from "../../src/engine/build-work.js";
import { InputError } from "../../src/errors.js";
import { loadInventory } from "../../src/inventory/load.js";
import { loadPlaybook } from "../../src/playbook/load.js";

const dir = mkdtempSync(join(tmpdir(), "bkplay-build-work-"));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const inventory = (vars: string): ReturnType<typeof loadInventory> =>
  loadInventory(write("hosts.yaml", `groups:\n  paas:\n    hosts:\n      p1: { address: 10.0.0.1${vars} }\n`));
const playbook = (file: string): ReturnType<typeof loadPlaybook> =>
  loadPlaybook(write("pb.yaml", `name: t\ndescription: t\nplays:\n  - hosts: paas\n    steps:\n      - name: s\n        line: { file: "${file}", line: x, create: true }\n`));

describe("buildWork: a host's steps per generation", () => {
  after(() => { rmSync(dir, { recursive: true, force: true }); });
  it("a playbook that never names bk. does not depend on the generation", () => {
    const inv = inventory("");
    const built = buildWork(playbook("/etc/x"), inv, inv.hosts, {});
    expect(built.works[0]?.candidates).to.equal(undefined);
    expect(built.works[0]?.generation).to.equal(null);
  });

  it("one that does is rendered for every generation, to be chosen by the markers the probe reads", () => {
    const inv = inventory("");
    const work = buildWork(playbook("{{bk.paas_settings}}"), inv, inv.hosts, {}).works[0];
    expect(work?.candidates?.variants.map((v) => [v.generation, v.steps[0]?.params.file])).to.deep.equal([
      ["oss", "/data/paas/open_paas/src/paas/conf/settings_production.py"],
      ["ce5", "/data/bkce/open_paas/paas/conf/settings_production.py"],
      ["ce6", "/data/bkce/open_paas/paas/conf/settings_production.py"],
      // bkce 7.x nodes keep no PaaS tree: the playbook does not apply there (refused if the host turns out to be one).
      ["ce7", undefined],
    ]);
    expect(work?.candidates?.markers.flatMap((m) => m.markers.map((x) => x.path))).to.include("/data/bkce/etc/supervisor-open_paas.conf");
  });

  it("bk_generation in the inventory pins it: one rendering, nothing to detect", () => {
    const inv = inventory(", vars: { bk_generation: ce5, paas_root: /opt/bk }");
    const work = buildWork(playbook("{{bk.agent_config}}"), inv, inv.hosts, {}).works[0];
    expect(work?.candidates).to.equal(undefined);
    expect(work?.generation).to.equal("ce5");
    expect(work?.steps[0]?.params.file).to.equal("/opt/bk/etc/paas_agent_config.yaml");
  });

  it("an unknown bk_generation is bad input", () => {
    const inv = inventory(", vars: { bk_generation: ce9 }");
    expect(() => buildWork(playbook("{{bk.root}}/x"), inv, inv.hosts, {})).to.throw(InputError, /bk_generation "ce9" is not one of oss, ce5, ce6/);
  });
});
