import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { SANDBOX_ROLES } from "../../src/sandbox/bk-tree.js";
import { startFleet, stopFleet } from "../../src/sandbox/fleet.js";
import type { Fleet } from "../../src/sandbox/fleet.js";
import { rolesOf, sandboxVars } from "../../src/sandbox/fleet-files.js";
import { acceptsConnections } from "../../src/sandbox/ports.js";
import { connect } from "../../src/transport/connect.js";
import { BACKENDS } from "../support/fleet.js";

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidsOf = (fleet: Fleet): number[] => (JSON.parse(readFileSync(join(fleet.dir, "fleet.json"), "utf8")) as { pids: number[] }).pids;

describe("sandbox roles", () => {
  it("gives one role per host from five hosts up, cycling", () => {
    expect(Array.from({ length: 7 }, (_, i) => rolesOf(i, 7))).to.deep.equal([["paas"], ["appo"], ["appt"], ["nginx"], ["mysql"], ["paas"], ["appo"]]);
  });

  it("covers every role on smaller fleets", () => {
    expect(Array.from({ length: 3 }, (_, i) => rolesOf(i, 3))).to.deep.equal([["paas", "nginx"], ["appo", "mysql"], ["appt"]]);
    for (let count = 1; count < 5; count++) {
      expect(Array.from({ length: count }, (_, i) => rolesOf(i, count)).flat().sort()).to.deep.equal([...SANDBOX_ROLES].sort());
    }
  });
});

for (const backend of BACKENDS) {
  describe(`sandbox fleet (${backend})`, function () {
    let dir = "";
    before(function () {
      if (backend === "sshd" && !existsSync("/usr/sbin/sshd")) this.skip();
      dir = mkdtempSync(join(tmpdir(), `bkplay-fleet-${backend}-`));
    });
    after(() => { rmSync(dir, { recursive: true, force: true }); });

    it("starts three hosts with their BlueKing trees, inventory and known_hosts; stop() leaves nothing running", async () => {
      const fleet = await startFleet({ hosts: 3, dir, backend });
      const pids = pidsOf(fleet);
      try {
        expect(fleet.backend).to.equal(backend);
        expect(fleet.hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2", "bk-3"]);
        expect(new Set(fleet.hosts.map((h) => h.port)).size).to.equal(3);
        const [paas, appo, appt] = fleet.hosts.map((h) => h.root);
        expect(readFileSync(join(paas ?? "", "open_paas/paas/conf/settings_production.py"), "utf8")).to.include("# domain\nPAAS_DOMAIN = 'paas.bk.com'\n");
        expect(readFileSync(join(paas ?? "", "etc/nginx/paas.conf"), "utf8")).to.include("server_name paas.bk.com paas.service.consul;");
        expect(readlinkSync(join(appo ?? "", "paas_agent/paas_agent/etc/paas_agent_config.yaml"))).to.equal("../../../etc/paas_agent_config.yaml");
        expect(readFileSync(join(appt ?? "", "paas_agent/paas_agent/etc/paas_agent_config.yaml"), "utf8")).to.include("EXECUTE_TIME_LIMIT: 300");
        expect(existsSync(join(appt ?? "", "open_paas"))).to.equal(false);
        expect(statSync(join(paas ?? "", "open_paas/bin/dashboard.sh")).mode & 0o111).to.not.equal(0);

        const inventory = parse(readFileSync(fleet.inventoryFile, "utf8")) as { groups: Record<string, { hosts: Record<string, { port: number; vars: { paas_root: string } }> }> };
        expect(Object.keys(inventory.groups)).to.deep.equal([...SANDBOX_ROLES]);
        const first = fleet.hosts[0];
        expect(first && inventory.groups.nginx?.hosts["bk-1"]).to.deep.equal({ address: "127.0.0.1", port: first?.port, vars: first && sandboxVars(first) });
        expect(first && sandboxVars(first).paas_root).to.equal(paas);
        expect(readFileSync(fleet.knownHostsFile, "utf8").trim().split("\n")).to.have.length(3);

        await Promise.all(fleet.hosts.map(async (host) => {
          const transport = await connect({
            name: host.name, address: host.address, port: host.port, user: "root", identityFile: fleet.identityFile,
            knownHosts: fleet.knownHostsFile, hostKeyPolicy: "strict", connection: "ssh", connectTimeoutMs: 10_000,
          });
          const result = await transport.exec(`test -d ${host.root}/logs && echo ${host.name}`);
          await transport.close();
          expect(result.stdout.toString()).to.equal(`${host.name}\n`);
        }));
      } finally {
        await fleet.stop();
      }
      expect(pids.filter(isAlive)).to.deep.equal([]);
      expect(await Promise.all(fleet.hosts.map((h) => acceptsConnections(h.port)))).to.deep.equal([false, false, false]);
      expect(existsSync(join(dir, "fleet.json"))).to.equal(false);
    });

    it("runs detached until stopFleet(dir), reusing the fleet's keys", async () => {
      const clientKey = readFileSync(join(dir, "id_ed25519"));
      const fleet = await startFleet({ hosts: 1, dir, backend, detached: true });
      const [pid] = pidsOf(fleet);
      const port = fleet.hosts[0]?.port ?? 0;
      expect(pid).to.be.a("number");
      expect(isAlive(pid ?? 0)).to.equal(true);
      expect(await acceptsConnections(port)).to.equal(true);
      expect(readFileSync(join(dir, "id_ed25519")).equals(clientKey)).to.equal(true);
      await stopFleet(dir);
      expect(isAlive(pid ?? 0)).to.equal(false);
      expect(await acceptsConnections(port)).to.equal(false);
    });
  });
}
