import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const USER = "bkplay-readonly";

describe("--check needs no write access (a non-root login on root-owned files, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(5, "sshd");
  before(function () {
    if (spawnSync("id", [USER]).status !== 0) execFileSync("useradd", ["--create-home", "--shell", "/bin/sh", USER]);
    // '*' rather than useradd's '!': sshd without PAM takes '!' for a locked account.
    execFileSync("usermod", ["-p", "*", USER]);
  });
  after(() => {
    spawnSync("userdel", ["--remove", USER]);
  });

  it("plans every change as that user and writes nothing; applying as that user fails clearly", async () => {
    chmodSync(f.dir(), 0o755); // the fleet's temp dir is root-only; the trees in it stay root-owned
    const inv = writeInventory(f.fleet(), join(f.dir(), "readonly-hosts.yaml"), { ssh: { user: USER } });
    const before = snapshotTree(join(f.dir(), "hosts"));
    const check = await bkplay(["run", "change-domain", "-i", inv, "-e", "new_domain=paas.example.com", "--check", "--json", "--log-dir", join(f.dir(), "audit")]);
    expect(check.code, check.stderr).to.equal(0);
    expect(reportOf(check).hosts.filter((h) => h.status === "changed")).to.have.length(4);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
    const apply = await bkplay(["run", "change-domain", "-i", inv, "-e", "new_domain=paas.example.com", "--json", "--log-dir", join(f.dir(), "audit")]);
    expect(apply.code).to.equal(1);
    const failed = reportOf(apply).hosts.filter((h) => h.status === "failed");
    expect(failed).to.have.length(4);
    for (const h of failed) expect(h.error).to.match(/cannot create|Permission denied|cannot/i);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });
});
