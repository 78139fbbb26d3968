import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bkplay, type CliResult } from "../support/cli.js";
import { countingHost } from "../support/counting-host.js";

/**
 * Secrets given without argv, and refused when they cannot be masked safely (issue 12, items 4 and 5): all bad
 * input, exit 2, before any host is contacted.
 */
describe("secret input: how a secret is given, and which ones are refused", function () {
  this.timeout(30_000);
  let dir: string;
  let inventory: string;
  let host: Awaited<ReturnType<typeof countingHost>>;
  before(async () => {
    host = await countingHost();
    const { port } = host;
    dir = mkdtempSync(join(tmpdir(), "bkplay-secret-input-"));
    inventory = join(dir, "hosts.yaml");
    // The agent group is there for fix-mysql-perms' default grant_to; no host is contacted in these tests.
    writeFileSync(inventory, `groups:\n  mysql:\n    hosts:\n      db-1: { address: 127.0.0.1, port: ${port} }\n  appo:\n    hosts:\n      agent-1: { address: 127.0.0.1, port: ${port} }\n`);
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => expect(host.connections(), "connections to the inventory's host").to.equal(0));

  const run = (env: Record<string, string>, ...more: string[]): Promise<CliResult> => bkplay(["run", "fix-mysql-perms", "-i", inventory, "-e", "db_user=bk_app", ...more], { env });

  it("a missing secret, with no terminal to ask on, points to BKPLAY_VAR_, --vars-file - and the prompt, never to -e", async () => {
    const r = await run({});
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include("missing secret 'db_password'").and.include("BKPLAY_VAR_db_password").and.include("--vars-file -").and.include("terminal");
    expect(r.stderr).not.to.match(/-e db_password|pass -e/);
  });

  it("an environment variable of another name is named as a likely typo", async () => {
    const r = await run({ BKPLAY_VAR_db_pasword: "Vq7-unusual-Secret" });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include("BKPLAY_VAR_db_pasword is set: did you mean BKPLAY_VAR_db_password?");
    expect(r.stderr).not.to.include("Vq7-unusual-Secret");
  });

  const refusals: [string, string, RegExp][] = [
    ["y", "one character", /too short to be masked safely \(1 character; at least 6\)/],
    ["mysql", "a common word that is also the playbook's", /too short to be masked safely \(5 characters; at least 6\)/],
    ["changeme", "a common password", /a common word or password/],
    ["bkplay_create", "a word of the playbook's own text", /appears in the playbook's own text/],
    ["db-1", "a host name", /too short/],
  ];
  for (const [value, what, reason] of refusals) {
    it(`a secret that is ${what} is refused at input (exit 2), the value not shown`, async () => {
      const r = await run({ BKPLAY_VAR_db_password: value });
      expect(r.code, r.stderr).to.equal(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^BKPLAY_VAR_db_password: the secret 'db_password' cannot be masked safely: /).and.match(reason);
      expect(lines[0]).to.include("choose another");
      if (value.length > 1) expect(lines[0]?.replaceAll("db_password", "")).not.to.include(value);
    });
  }

  it("the same rule whatever the source: --vars-file from standard input, located there", async () => {
    const r = await bkplay(["run", "fix-mysql-perms", "-i", inventory, "--vars-file", "-"], { input: "db_user: bk_app\ndb_password: admin123\n" });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr.trimEnd()).to.match(/^\(stdin\):2:1: vars file db_password: the secret 'db_password' cannot be masked safely: it is a common word or password/);
  });

  it("a secret in the inventory's own host name is refused too", async () => {
    const inv = join(dir, "named-hosts.yaml");
    writeFileSync(inv, readFileSync(inventory, "utf8").replace("db-1:", "bkdb-primary-7:"));
    const r = await bkplay(["run", "fix-mysql-perms", "-i", inv, "-e", "db_user=bk_app"], { env: { BKPLAY_VAR_db_password: "primary-7" } });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/cannot be masked safely: it appears in the inventory's host or group names or addresses/);
  });

  it("a bad secret (its schema) points to the ways of giving it again, never to -e, and never shows it", async () => {
    const r = await bkplay(["run", "fix-mysql-perms", "-i", inventory, "--vars-file", "-"], { input: "db_user: bk_app\ndb_password: [Vq7-unusual-Secret]\n" });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include("BKPLAY_VAR_db_password").and.include("--vars-file -").and.not.include("Vq7-unusual-Secret");
    expect(r.stderr).not.to.match(/-e db_password/);
  });

  it("a secret given with -e name=value works, with a warning that the command line shows in ps", async () => {
    const r = await bkplay(["validate", "fix-mysql-perms", "-i", inventory, "-e", "db_user=bk_app", "-e", "db_password=Vq7-unusual-Secret"]);
    expect(r.code, r.stderr).to.equal(0);
    const runIt = await run({}, "-e", "db_password=Vq7-unusual-Secret", "-e", "databases=no-such-db!");
    expect(runIt.code).to.equal(2);
    expect(runIt.stderr).to.match(/warning: db_password was given on the command line \(-e\): ps and the shell's history show it; set BKPLAY_VAR_db_password/);
    expect(runIt.stderr).not.to.include("Vq7-unusual-Secret");
  });
});
