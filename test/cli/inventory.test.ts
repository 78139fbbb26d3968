import { expect } from "chai";
import { join } from "node:path";
import { bkplay } from "../support/cli.js";

interface Shown {
  format: string;
  hosts: { name: string; address: string; port: number; user: string; groups: string[]; vars: Record<string, unknown> }[];
}

const inventories = join(import.meta.dirname, "../../../test/fixtures/inventory");

async function show(file: string, ...more: string[]): Promise<Shown> {
  const r = await bkplay(["inventory", "-i", join(inventories, file), "--json", ...more]);
  expect(r.code, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as Shown;
}

describe("bkplay inventory", () => {
  it("--json shows hosts with groups and vars", async () => {
    const shown = await show("bk5.yaml");
    expect(shown.format).to.equal("native");
    expect(shown.hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2", "bk-3", "bk-4", "bk-5"]);
    expect(shown.hosts[1]).to.deep.include({ address: "10.0.0.12", port: 22, user: "root", groups: ["paas", "appo"], vars: { paas_root: "/data/bkce" } });
  });

  it("--limit selects hosts", async () => {
    const shown = await show("bk5.yaml", "--limit", "appo:!bk-2");
    expect(shown.hosts.map((h) => h.name)).to.deep.equal(["bk-3"]);
  });

  it("the three formats give the same hosts", async () => {
    const roles = ["nginx", "paas", "appo", "appt", "mysql"];
    const hostsOf = async (file: string): Promise<unknown[]> =>
      (await show(file)).hosts.map((h) => ({ address: h.address, port: h.port, user: h.user, groups: h.groups.filter((g) => roles.includes(g)).sort() }));
    const native = await hostsOf("bk5.yaml");
    expect(native).to.have.length(5);
    expect(await hostsOf("bk5-ansible.yaml")).to.deep.equal(native);
    expect(await hostsOf("bk5.install.config")).to.deep.equal(native);
  });
});
