import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHECKS } from "../../src/doctor/checks/index.js";
import { runDoctor } from "../../src/doctor/run-doctor.js";
import { loadInventory } from "../../src/inventory/load.js";
import { connect } from "../../src/transport/connect.js";
import type { ConnectSpec, Transport } from "../../src/transport/types.js";
import { bkplay } from "../support/cli.js";
import { useFleet } from "../support/fleet.js";
import { changedPaths, doctor, expectNoSecret, snapshotHosts, useAgentNginx } from "./support.js";

const CASES = [["ce5", "sshd"], ["ce6", "sshd"], ["oss", "sshd"], ["ce7", "sshd"], ["ce5", "ssh2"]] as const;

for (const [generation, backend] of CASES) {
  describe(`doctor on a healthy ${generation} sandbox (6 hosts, ${backend})`, function () {
    this.timeout(120_000);
    const f = useFleet(6, backend, generation, { mysql: true });
    useAgentNginx();
    // A bkce 7.x node (PaaS runs in Kubernetes) and a PaaS install's host meet no check of the other's: 7.x nodes get
    // the checks for every host and their own two; PaaS installs every check but those two.
    const CE7 = ["gse.zkhost", "bkrepo.resolve"];
    const everyHost = CHECKS.filter((c) => c.needsGeneration === false && c.groups === undefined).map((c) => c.id);
    const applicable = generation === "ce7" ? [...everyHost, ...CE7] : CHECKS.map((c) => c.id).filter((id) => !CE7.includes(id));

    it("finds nothing (no fail, no warn, no unknown), writes nothing, and shows no secret", async () => {
      const before = snapshotHosts(join(f.dir(), "hosts"));
      const reportFile = join(f.dir(), "doctor.md");
      const { run, report } = await doctor(["-i", f.fleet().inventoryFile, "--report", reportFile]);
      expect(run.code, run.stderr).to.equal(0);
      expect(report.findings).to.deep.equal([]);
      expect(report.checks.filter((c) => c.outcome !== "skipped").map((c) => c.id)).to.have.members(applicable);
      expect(report.summary.checks).to.equal(applicable.length);
      // A host that only runs MySQL holds no BlueKing file: no generation, and no check that needs one applies to it.
      const found = Object.fromEntries(report.hosts.map((h) => [h.name, h.generation]));
      expect(found).to.deep.equal(Object.fromEntries(f.fleet().hosts.map((h) => [h.name, h.roles.join() === "mysql" ? null : generation])));
      const text = await bkplay(["doctor", "-i", f.fleet().inventoryFile]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.equal(`all ${applicable.length} checks ok on 6 hosts\n`);
      expect(changedPaths(before, snapshotHosts(join(f.dir(), "hosts")))).to.deep.equal([]);
      expectNoSecret(f.fleet(), [run.stdout, run.stderr, text.stdout, text.stderr, readFileSync(reportFile, "utf8")]);
    });

    it("reads each host in one probe round trip: one connection, one command", async () => {
      const execs = new Map<string, number>();
      const counting = async (spec: ConnectSpec): Promise<Transport> => {
        const t = await connect(spec);
        execs.set(spec.name, 0);
        return { host: t.host, close: () => t.close(), exec: (command, options) => { execs.set(spec.name, (execs.get(spec.name) ?? 0) + 1); return t.exec(command, options); } };
      };
      const inventory = loadInventory(f.fleet().inventoryFile);
      const { report } = await runDoctor(inventory.hosts, CHECKS, { inventory: f.fleet().inventoryFile, groups: inventory.groups, forks: 10, timeoutMs: 30_000, connect: counting });
      expect(report.hosts.filter((h) => !h.reached)).to.deep.equal([]);
      expect(Object.fromEntries(execs)).to.deep.equal(Object.fromEntries(f.fleet().hosts.map((h) => [h.name, 1])));
    });
  });
}
