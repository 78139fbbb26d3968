import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventory } from "../../src/inventory/load.js";
import type { Host, Inventory } from "../../src/inventory/types.js";
import { catchInputError } from "./catch-input-error.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/inventory");
const load = (name: string): Inventory => loadInventory(join(fixtures, name));
const byName = (inventory: Inventory, name: string): Host => {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name}`);
  return host;
};
const roles = ["nginx", "paas", "appo", "appt", "mysql"];

/** What the three formats must agree on: connection target per address, and role membership by address. */
function shape(inventory: Inventory): unknown {
  const address = (name: string): string => byName(inventory, name).address;
  return {
    hosts: inventory.hosts.map((h) => `${h.user}@${h.address}:${h.port} ${h.ssh.connection}/${h.ssh.host_key_checking}/${h.ssh.connect_timeout}`).sort(),
    groups: roles.map((r) => [r, (inventory.groups[r] ?? []).map(address).sort()]),
    all: (inventory.groups.all ?? []).map(address),
  };
}

describe("loadInventory", () => {
  it("reads the same 5-host install from native, Ansible YAML, Ansible INI and install.config files", () => {
    const native = load("bk5.yaml");
    const ansible = load("bk5-ansible.yaml");
    const ini = load("bk5.ini");
    const config = load("bk5.install.config");
    expect([native.format, ansible.format, ini.format, config.format]).to.deep.equal(["native", "ansible-yaml", "ansible-ini", "install.config"]);
    expect(shape(ansible)).to.deep.equal(shape(native));
    expect(shape(ini)).to.deep.equal(shape(native));
    expect(shape(config)).to.deep.equal(shape(native));
    expect(ini.hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]);
    expect(byName(ini, "bk-1").vars).to.deep.equal({ paas_root: "/data/bkce" });
    expect(native.hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]);
    expect(byName(native, "bk-1").vars).to.deep.equal({ paas_root: "/data/bkce" });
    expect(byName(ansible, "bk-1").vars).to.deep.equal({ paas_root: "/data/bkce" });
  });

  it("keeps install.config modules as groups, their instance suffixes in bk_instances, merging repeated IPs", () => {
    const config = load("bk5.install.config");
    expect(config.groups.kafka).to.deep.equal(["10.0.0.13"]);
    expect(config.groups.zk).to.deep.equal(["10.0.0.13"]);
    expect(config.groups.consul).to.deep.equal(["10.0.0.11", "10.0.0.12", "10.0.0.14"]);
    expect(byName(config, "10.0.0.15").groups).to.deep.equal(["mysql", "redis", "rabbitmq"]);
    expect(byName(config, "10.0.0.14").source).to.include({ line: 8, col: 1 });
    expect(byName(config, "10.0.0.13").vars).to.deep.equal({ bk_instances: { kafka: ["config"], zk: ["config"] } });
    expect(byName(config, "10.0.0.15").vars).to.deep.equal({ bk_instances: {} });
  });

  it("collects several instances of one module, in file order, once each, across repeated IPs", () => {
    const dir = mkdtempSync(join(tmpdir(), "bkplay-config-"));
    try {
      const file = join(dir, "install.config");
      writeFileSync(file, "10.0.0.1 bkdata(databus),kafka(config)\n10.0.0.1 monitorv3(monitor),monitorv3(grafana),bkdata(databus),kafka()\n10.0.0.2 bkdata(dataapi)");
      const config = loadInventory(file);
      expect(byName(config, "10.0.0.1")).to.deep.include({
        groups: ["bkdata", "kafka", "monitorv3"],
        vars: { bk_instances: { bkdata: ["databus"], kafka: ["config"], monitorv3: ["monitor", "grafana"] } },
      });
      expect(config.groups.bkdata).to.deep.equal(["10.0.0.1", "10.0.0.2"]);
      expect(byName(config, "10.0.0.2").vars).to.deep.equal({ bk_instances: { bkdata: ["dataapi"] } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts a host listed in several groups in each, once, with groups in declaration order", () => {
    const native = load("bk5.yaml");
    expect(native.hosts).to.have.length(5);
    expect(byName(native, "bk-2").groups).to.deep.equal(["paas", "appo"]);
    expect(byName(native, "bk-2").source).to.include({ line: 14, col: 7 });
    expect(native.groups.paas).to.deep.equal(["bk-1", "bk-2"]);
  });

  it("applies native precedence: host > later group > earlier group > top level > defaults", () => {
    const inv = load("precedence.yaml");
    const [p1, p2, a1, lone] = ["paas-1", "paas-2", "appo-1", "lone"].map((n) => byName(inv, n));
    expect(p1).to.deep.include({ address: "10.0.0.3", port: 2222, user: "paas", groups: ["paas"] });
    expect(p1?.vars).to.deep.equal({ paas_root: "/data/bkce", level: "paas", paas_only: true });
    expect(p1?.ssh).to.deep.equal({
      host_key_checking: "strict",
      connection: "ssh",
      connect_timeout: 5,
      identity_file: join(homedir(), ".ssh/id_ed25519"),
      known_hosts: join(fixtures, "keys/known_hosts"),
    });
    expect(p2).to.deep.include({ address: "10.0.0.4", port: 2222, user: "appo", groups: ["paas", "appo"] });
    expect(p2?.vars).to.deep.include({ level: "host", paas_only: true });
    expect(a1).to.deep.include({ address: "appo-1", port: 2200, user: "appo" });
    expect(a1?.ssh).to.include({ host_key_checking: "accept-new", connection: "local" });
    expect(lone).to.deep.include({ address: "lone", port: 22, user: "deploy", groups: [], vars: { paas_root: "/data/bkce", level: "top" } });
    expect(inv.groups.all).to.deep.equal(["paas-1", "paas-2", "appo-1", "lone"]);
  });

  it("applies Ansible precedence: host > child group > parent group > all, and maps ansible_* variables", () => {
    const inv = load("ansible-precedence.yaml");
    const [p1, p2, lone] = ["paas-1", "paas-2", "lone"].map((n) => byName(inv, n));
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(["lone", "paas-1", "paas-2"]);
    expect(p1).to.deep.include({ address: "10.0.0.3", port: 2222, user: "paas", groups: ["bk", "paas", "ops"] });
    expect(p1?.vars).to.deep.equal({ level: "paas", owner: "ops", become: true });
    expect(p1?.ssh.identity_file).to.equal(join(fixtures, "keys/id"));
    expect(p2).to.deep.include({ port: 2200, groups: ["bk", "paas", "zeta", "ops"] });
    expect(p2?.vars.level).to.equal("host");
    expect(lone).to.deep.include({ address: "10.0.0.9", user: "root", groups: [], vars: { level: "all" } });
    expect(lone?.ssh.connection).to.equal("local");
    expect(inv.groups.bk).to.deep.equal(["paas-1", "paas-2"]);
  });

  it("reports every problem of a file at once, located, in file order", () => {
    const err = catchInputError(() => load("many-errors.yaml"));
    expect(err.problems.map((p) => [p.location?.line, p.location?.col])).to.deep.equal([[1, 14], [5, 36], [6, 3]]);
    const messages = err.problems.map((p) => p.message);
    ["must be >= 1", "unknown key 'colour'", "group 'all' is reserved"].forEach((m, i) => expect(messages[i]).to.include(m));
  });

  it("loads the example inventory shipped in inventory/hosts.yaml", () => {
    const example = loadInventory(join(import.meta.dirname, "../../../inventory/hosts.yaml"));
    expect(Object.keys(example.groups)).to.deep.equal(["all", ...roles]);
    expect(byName(example, "bk-nginx-1").groups).to.deep.equal(["nginx", "paas"]);
    expect(byName(example, "bk-appt-1")).to.deep.include({ port: 2222, vars: { paas_root: "/data/bkce", bk_domain: "bk.example.com", paas_workers: 2 } });
    expect(byName(example, "bk-mysql-1")).to.deep.include({ user: "dba", address: "10.0.0.15" });
  });

  it("reports a missing file", () => {
    const err = catchInputError(() => load("no-such-inventory.yaml"));
    expect(err.message).to.match(/cannot read inventory .*no-such-inventory\.yaml: ENOENT/);
  });
});
