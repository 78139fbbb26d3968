import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { knownHostName } from "../../src/transport/known-hosts.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const fingerprintOf = (keyFile: string): string => execFileSync("ssh-keygen", ["-lf", keyFile], { encoding: "utf8" }).split(" ")[1] ?? "";

describe("host keys through the real CLI (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(1, "sshd");
  const h = (): { name: string; root: string; port: number } => f.fleet().hosts[0] ?? { name: "", root: "", port: 0 };
  const hostKey = (): string => join(f.dir(), "hosts", h().name, "ssh_host_ed25519_key.pub");
  const knownHosts = (): string => join(f.dir(), "hk-known_hosts");
  const target = (): string => join(h().root, "hk.conf");
  const run = (policy: string): Promise<CliResult> => {
    const inv = writeInventory(f.fleet(), join(f.dir(), "hk-hosts.yaml"), { ssh: { known_hosts: knownHosts() } });
    return bkplay(["run", join(fixtures, "edit.yaml"), "-i", inv, "-e", `file=${target()}`, "--host-key-checking", policy]);
  };

  before(() => {
    writeFileSync(knownHosts(), "");
    writeFileSync(target(), "original\n");
  });

  it("unknown key under strict: refused with its fingerprint, exit 1, nothing changed", async () => {
    const r = await run("strict");
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout + r.stderr).to.include(fingerprintOf(hostKey())).and.match(/not in .*hk-known_hosts/);
    expect(readFileSync(target(), "utf8")).to.equal("original\n");
    expect(readFileSync(knownHosts(), "utf8")).to.equal("");
  });

  it("accept-new records the key in known_hosts and the run succeeds", async () => {
    const r = await run("accept-new");
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const [type, key] = readFileSync(hostKey(), "utf8").split(" ");
    expect(readFileSync(knownHosts(), "utf8")).to.include(`${knownHostName("127.0.0.1", h().port)} ${type ?? ""} ${key ?? ""}`);
    expect(readFileSync(target(), "utf8")).to.equal("original\nadded by bkplay\n");
  });

  it("a recorded key replaced by another: refused even under accept-new, naming both fingerprints", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "bkplay-hk-"));
    const other = join(scratch, "other");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other]);
    const otherFingerprint = fingerprintOf(`${other}.pub`);
    const [type, key] = readFileSync(`${other}.pub`, "utf8").split(" ");
    rmSync(scratch, { recursive: true, force: true });
    writeFileSync(knownHosts(), `${knownHostName("127.0.0.1", h().port)} ${type ?? ""} ${key ?? ""}\n`);
    writeFileSync(target(), "original\n");
    const r = await run("accept-new");
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.include("HOST KEY MISMATCH").and.include(fingerprintOf(hostKey())).and.include(otherFingerprint);
    expect(readFileSync(target(), "utf8")).to.equal("original\n");
  });

  it("--host-key-checking off warns loudly, and connects", async () => {
    const r = await run("off");
    expect(r.stderr).to.match(/WARNING: host key checking is OFF/);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  });
});
