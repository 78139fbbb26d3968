import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError } from "../../src/errors.js";
import { resolveSpec } from "../../src/transport/ssh-config.js";
import type { ConnectSpec } from "../../src/transport/types.js";

describe("ssh_config resolution", () => {
  let dir = "";
  let config = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "bkplay-ssh-config-"));
    config = join(dir, "ssh_config");
    writeFileSync(config, [
      "Host paas-*", "  HostName 10.0.0.%h", "  User deploy", "  Port 2200", "  IdentityFile ~/.ssh/bk_%r", "  IdentityFile /keys/second",
      "  ProxyJump ops@bastion:2222", "  StrictHostKeyChecking accept-new", "  ConnectTimeout 3",
      "Host *", "  User fallback", "  UserKnownHostsFile ~/.ssh/bk_known_hosts /ignored", "  StrictHostKeyChecking no", "",
    ].join("\n"));
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  const spec = (overrides: Partial<ConnectSpec> = {}): ConnectSpec => ({
    name: "paas-1", address: "paas-1", port: 22, user: "root", hostKeyPolicy: "strict", connection: "ssh", connectTimeoutMs: 10_000, sshConfig: config,
    defaulted: ["address", "user", "port", "hostKeyPolicy", "connectTimeoutMs"], ...overrides,
  });

  it("fills what the inventory left at defaults, first match winning as in OpenSSH", async () => {
    const resolved = await resolveSpec(spec());
    expect(resolved).to.deep.include({
      address: "10.0.0.paas-1", user: "deploy", port: 2200, hostKeyPolicy: "accept-new", connectTimeoutMs: 3000,
      jump: "ops@bastion:2222", knownHosts: join(homedir(), ".ssh/bk_known_hosts"),
    });
    expect(resolved.configIdentities).to.deep.equal([join(homedir(), ".ssh/bk_deploy"), "/keys/second"]);
  });

  it("lets the inventory win wherever it spoke", async () => {
    const resolved = await resolveSpec(spec({ defaulted: [], address: "paas-1", user: "ops", port: 22, identityFile: "/inv/key", knownHosts: "/inv/kh", jump: "none" }));
    expect(resolved).to.deep.include({ address: "paas-1", user: "ops", port: 22, hostKeyPolicy: "strict", connectTimeoutMs: 10_000, identityFile: "/inv/key", knownHosts: "/inv/kh", jump: "none" });
  });

  it("maps StrictHostKeyChecking no to off for hosts only the catch-all matches", async () => {
    expect(await resolveSpec(spec({ name: "db", address: "db" }))).to.deep.include({ address: "db", user: "fallback", hostKeyPolicy: "off", port: 22 });
  });

  it("follows Include in place, in glob order, relative to ~/.ssh or absolute, nested, ignoring dot files and a pattern that matches nothing", async () => {
    const home = join(dir, "home");
    const parts = join(home, ".ssh", "config.d");
    mkdirSync(join(parts, "deeper"), { recursive: true });
    writeFileSync(join(parts, "10-bk"), `Host bk-*\n  HostName 10.1.0.%h\n  Include ${join(parts, "deeper", "*.conf")}\n`);
    writeFileSync(join(parts, "20-late"), "Host bk-*\n  HostName never.example\n  User late\n");
    writeFileSync(join(parts, ".hidden"), "Host bk-*\n  ConnectTimeout 7\n");
    writeFileSync(join(parts, "deeper", "user.conf"), "  User ops\n  Port 2201\n");
    const main = join(dir, "with-include");
    writeFileSync(main, "Include config.d/* no-such-file-here\nHost *\n  User fallback\n");
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(await resolveSpec(spec({ name: "bk-1", address: "bk-1", sshConfig: main }))).to.deep.include({ address: "10.1.0.bk-1", user: "ops", port: 2201, connectTimeoutMs: 10_000 });
    } finally {
      process.env.HOME = saved;
    }
  });

  it("refuses an Include inside a Host block that brings Host blocks of its own, naming both files", async () => {
    const inner = join(dir, "has-hosts");
    writeFileSync(inner, "Host other\n  User x\n");
    const main = join(dir, "include-in-block");
    writeFileSync(main, `Host paas-*\n  Include ${inner}\n`);
    const error = await resolveSpec(spec({ sshConfig: main })).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(`paas-1 (paas-1:22): cannot read ssh config ${main}: ${main}: an Include inside a Host or Match block names ${inner}, which has Host or Match lines of its own; move that Include to the top level`);
  });

  it("refuses a --ssh-config file that cannot be read, naming the host", async () => {
    const error = await resolveSpec(spec({ sshConfig: join(dir, "missing") })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectError);
    expect((error as Error).message).to.equal(`paas-1 (paas-1:22): cannot read ssh config ${join(dir, "missing")}: ENOENT`);
  });
});
