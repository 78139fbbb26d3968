import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { bkplay } from "../support/cli.js";

describe("tests run bkplay with a HOME of its own", () => {
  let dir = "";
  let inventory = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bkplay-own-home-"));
    inventory = join(dir, "hosts.yaml");
    writeFileSync(inventory, "ssh: { identity_file: ~/.ssh/id_test }\ngroups:\n  paas:\n    hosts:\n      p1: { address: 10.0.0.1 }\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("never the user's (no audit entry lands in ~/.bkplay/runs), and it is removed once the child ends", async () => {
    const r = await bkplay(["inventory", "-i", inventory, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const key = (JSON.parse(r.stdout) as { hosts: { ssh: { identity_file: string } }[] }).hosts[0]?.ssh.identity_file ?? "";
    const home = dirname(dirname(key));
    expect(home).not.to.equal(homedir());
    expect(home.startsWith(tmpdir())).to.equal(true);
    expect(existsSync(home)).to.equal(false);
  });

  it("a test may give its own", async () => {
    const r = await bkplay(["inventory", "-i", inventory, "--json"], { env: { HOME: dir } });
    expect((JSON.parse(r.stdout) as { hosts: { ssh: { identity_file: string } }[] }).hosts[0]?.ssh.identity_file).to.equal(join(dir, ".ssh/id_test"));
    expect(existsSync(dir)).to.equal(true);
  });
});
