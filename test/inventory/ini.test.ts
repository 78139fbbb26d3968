import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventory } from "../../src/inventory/load.js";
import type { Host, Inventory } from "../../src/inventory/types.js";
import { bkplay } from "../support/cli.js";
import { catchInputError } from "./catch-input-error.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/inventory");
const byName = (inventory: Inventory, name: string): Host => {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no host ${name}`);
  return host;
};

/** The inventory an operator hands over, as given (its [agents:children] names appt, so appt is declared too). */
const OPERATOR = `# comment
[paas]
bk-paas-1 ansible_host=10.0.0.12 ansible_port=2222 ansible_user=root
bk-paas-2 ansible_host=10.0.0.13

[appo]
10.0.0.14

[appt]

[agents:children]
appo
appt

[paas:vars]
paas_root=/data/bkce
ansible_ssh_private_key_file=~/.ssh/bk
`;

describe("Ansible INI inventories", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "bkplay-ini-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("reads an operator's INI file as INI, not as install.config", () => {
    const inv = loadInventory(write("hosts", OPERATOR));
    expect(inv.format).to.equal("ansible-ini");
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(["bk-paas-1", "bk-paas-2", "10.0.0.14"]);
    expect(byName(inv, "bk-paas-1")).to.deep.include({ address: "10.0.0.12", port: 2222, user: "root", groups: ["paas"], vars: { paas_root: "/data/bkce" } });
    expect(byName(inv, "bk-paas-1").ssh.identity_file).to.equal(join(homedir(), ".ssh/bk"));
    expect(byName(inv, "bk-paas-2")).to.deep.include({ address: "10.0.0.13", port: 22, user: "root" });
    expect(byName(inv, "10.0.0.14")).to.deep.include({ address: "10.0.0.14", groups: ["appo", "agents"], vars: {} });
    expect(inv.groups).to.deep.equal({ all: ["bk-paas-1", "bk-paas-2", "10.0.0.14"], paas: ["bk-paas-1", "bk-paas-2"], appo: ["10.0.0.14"], appt: [], agents: ["10.0.0.14"] });
  });

  it("resolves groups, nested children, :vars, all, ungrouped, ranges and typed values", () => {
    const inv = loadInventory(join(fixtures, "ansible-features.ini"));
    expect(inv.format).to.equal("ansible-ini");
    const appt = ["bk-appt-01", "bk-appt-02", "bk-appt-03"];
    expect(inv.hosts.map((h) => h.name)).to.deep.equal(["bk-ops", "bk-paas-1", "bk-paas-2", "10.0.0.14", ...appt]);
    expect(inv.groups).to.deep.equal({
      all: ["bk-ops", "bk-paas-1", "bk-paas-2", "10.0.0.14", ...appt],
      ungrouped: ["bk-ops"],
      paas: ["bk-paas-1", "bk-paas-2"],
      appo: ["10.0.0.14"],
      appt,
      agents: ["10.0.0.14", ...appt],
      platform: ["bk-paas-1", "bk-paas-2", "10.0.0.14", ...appt],
    });
    const ops = byName(inv, "bk-ops");
    expect(ops).to.deep.include({ address: "10.0.0.9", user: "deploy", groups: ["ungrouped"], vars: { become: true } });
    expect(ops.ssh.connection).to.equal("local");
    // paas (a child of platform) overrides platform; the host's own ansible_user overrides all:vars.
    const p1 = byName(inv, "bk-paas-1");
    expect(p1).to.deep.include({ address: "10.0.0.12", port: 2222, user: "root", groups: ["paas", "platform"] });
    expect(p1.vars).to.deep.equal({ become: true, paas_root: "/data/bkce", bk_domain: "bk.example.com" });
    expect(p1.ssh.identity_file).to.equal(join(homedir(), ".ssh/bk"));
    // Integers and true/false are typed; quoted values stay strings; a leading zero keeps a string.
    expect(byName(inv, "bk-paas-2")).to.deep.include({ user: "deploy", port: 22 });
    expect(byName(inv, "bk-paas-2").vars).to.deep.include({ workers: 4, debug: false, label: "two words", mode: "0755", quoted: "8080" });
    expect(byName(inv, "bk-paas-2").vars).to.not.have.property("ansible_python_interpreter");
    expect(byName(inv, "10.0.0.14")).to.deep.include({ groups: ["appo", "agents", "platform"] });
    expect(byName(inv, "10.0.0.14").vars).to.deep.include({ paas_root: "/data/agents", role: "agent", bk_domain: "bk.example.com" });
    for (const name of appt) {
      expect(byName(inv, name)).to.deep.include({ address: name, port: 2200, groups: ["appt", "agents", "platform"] });
      expect(byName(inv, name).vars).to.deep.include({ paas_root: "/data/appt", role: "agent" });
    }
  });

  it("expands host ranges as Ansible does: numbers keep their width, letters, steps, several ranges", () => {
    const inv = loadInventory(write("ranges", "[web]\nweb[8:10]\ndb-[a:c]\napp[0:4:2]-[x:y] tier=app\n"));
    expect(inv.groups.web).to.deep.equal(["web8", "web9", "web10", "db-a", "db-b", "db-c", "app0-x", "app0-y", "app2-x", "app2-y", "app4-x", "app4-y"]);
    expect(byName(inv, "app2-y").vars).to.deep.equal({ tier: "app" });
  });

  it("refuses a range that expands to too many hosts", () => {
    const err = catchInputError(() => loadInventory(write("huge", "[web]\nweb[0:99999]\n")));
    expect(err.problems[0]?.message).to.include("expands to more than");
  });

  it("reports every bad line of a file, located", () => {
    const file = write("many", "[paas]\nbk-1 nginx\nbk-2 ansible_password=x\n[paas:things]\n");
    const err = catchInputError(() => loadInventory(file));
    expect(err.problems.map((p) => [p.location?.line, p.location?.col])).to.deep.equal([[2, 6], [3, 6], [4, 1]]);
  });

  it("a bad INI line stops the CLI with exit 2 and file:line:col", async () => {
    const file = write("bad", "[paas]\nbk-1 ansible_host=10.0.0.1\nbk-2 nginx\n");
    const r = await bkplay(["inventory", "-i", file]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trimEnd()).to.equal(`${file}:3:6: 'nginx' is not key=value (a host line is 'NAME [key=value ...]')`);
  });
});
