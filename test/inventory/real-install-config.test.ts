import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadInventory } from "../../src/inventory/load.js";
import type { Host, Inventory } from "../../src/inventory/types.js";

/** Genuine install.config files from BlueKing's sources, kept outside the project (../shared/real from its root). */
const real = join(import.meta.dirname, "../../../../shared/real/install-config");

const byName = (inventory: Inventory, name: string): Host => {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name}`);
  return host;
};
const ips = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** A few facts per file, read off the file by hand. */
const facts: Record<string, (inv: Inventory) => void> = {
  "bk-install.5ip.sample": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.5.", 5));
    expect(inv.groups.nginx).to.deep.equal(["10.0.5.3", "10.0.5.4"]);
    expect(inv.groups.kafka).to.deep.equal(["10.0.5.3", "10.0.5.4", "10.0.5.5"]);
    expect(byName(inv, "10.0.5.2").vars.bk_instances).to.deep.equal({ monitorv3: ["influxdb-proxy", "monitor", "unify-query"] });
    // redis_cluster ends the last line, which has no final newline.
    expect(inv.groups.redis_cluster).to.deep.equal(["10.0.5.3", "10.0.5.4", "10.0.5.5"]);
    expect(inv.groups.appt).to.deep.equal(["10.0.5.5"]);
  },
  "bk-install.SP.sample": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(["10.0.0.1"]);
    const [host] = inv.hosts;
    expect(host?.groups).to.have.length(23);
    expect(host?.groups).to.include.members(["consul", "paas", "license", "apigw", "redis_cluster"]);
    expect(host?.vars.bk_instances).to.deep.equal({ zk: ["config"], nodeman: ["nodeman"] });
  },
  "bk-install.ce.3ip.sample": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.0.", 3));
    expect(inv.groups.mysql).to.deep.equal(["10.0.0.3"]);
    expect(inv.groups.consul).to.deep.equal(ips("10.0.0.", 3));
    expect(byName(inv, "10.0.0.1").vars.bk_instances).to.deep.equal({ monitorv3: ["influxdb-proxy", "monitor", "grafana", "ingester"] });
  },
  "bk-install.ce.5ip.sample": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.0.", 5));
    expect(Object.keys(inv.groups)).to.not.include.members(["basic", "bkmonitorv3", "bklog"]);
    expect(byName(inv, "10.0.0.5")).to.deep.include({ groups: ["log"], vars: { bk_instances: { log: ["api", "grafana"] } } });
    expect(inv.groups.kafka).to.deep.equal(["10.0.0.4"]);
    expect(inv.groups.nginx).to.deep.equal(["10.0.0.2"]);
  },
  "bk-install.ce.SP.sample": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(["10.0.0.1"]);
    expect(inv.hosts[0]?.groups).to.have.length(22);
    expect(inv.groups.es7).to.deep.equal(["10.0.0.1"]);
  },
  "bkdocs.5.1": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.0.", 3));
    expect(inv.groups.bkdata).to.deep.equal(ips("10.0.0.", 3));
    expect(inv.groups.kafka).to.deep.equal(ips("10.0.0.", 3));
    expect(byName(inv, "10.0.0.1").vars.bk_instances).to.deep.equal({ kafka: ["config"], zk: ["config"], bkdata: ["databus"] });
    expect(byName(inv, "10.0.0.2").vars.bk_instances).to.deep.include({ bkdata: ["dataapi"] });
    expect(byName(inv, "10.0.0.3").vars.bk_instances).to.deep.include({ bkdata: ["monitor"] });
    expect(inv.groups.paas).to.deep.equal(["10.0.0.3"]);
  },
  "bkdocs.5.1-upgrade-new-hosts": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.0.", 5));
    expect(inv.groups.consul).to.deep.equal(ips("10.0.0.", 5));
    expect(byName(inv, "10.0.0.4").vars.bk_instances).to.deep.include({ influxdb: ["bkmonitorv3"], kafka: ["config"] });
    expect(byName(inv, "10.0.0.2").vars.bk_instances).to.deep.equal({});
  },
  "bkdocs.6.0": (inv) => {
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(ips("10.0.0.", 3));
    expect(inv.groups.nodeman).to.deep.equal(["10.0.0.3"]);
    expect(inv.groups.fta).to.deep.equal(["10.0.0.2"]);
  },
};

describe("genuine BlueKing install.config files (../shared/real)", () => {
  if (!existsSync(real)) {
    it("are not on this machine", function () {
      console.log(`      notice: ${real} is absent; the genuine install.config files are not tested`);
      this.skip();
    });
    return;
  }
  const files = readdirSync(real).sort();
  it("every file has facts written for it", () => expect(files).to.deep.equal(Object.keys(facts).sort()));
  for (const name of files) {
    it(`${name} loads as install.config`, () => {
      const inv = loadInventory(join(real, name));
      expect(inv.format).to.equal("install.config");
      for (const host of inv.hosts) {
        expect(host.address).to.equal(host.name).and.match(/^\d+\.\d+\.\d+\.\d+$/);
        expect(host.groups, host.name).to.not.be.empty;
        expect(host.vars).to.have.property("bk_instances");
      }
      facts[name]?.(inv);
    });
  }
});
