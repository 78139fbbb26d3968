import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { connect as connectTcp } from "node:net";
import { join } from "node:path";
import { reservePorts } from "../../src/sandbox/ports.js";
import type { ConnectSpec } from "../../src/transport/types.js";
import { connectFailure } from "../transport/connect-failure.js";
import { clientKey, MARK_LINE, publicKeyOf, runMark, startSshd, useScratch, writeInventory, type Sshd } from "./lab.js";
import { useNetns } from "./netns.js";

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, "g"))?.length ?? 0;

/** Resolves with the error code of a direct TCP connection from this namespace (null when it connects). */
const directly = (port: number): Promise<string | null> =>
  new Promise((resolve) => {
    const socket = connectTcp({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(null); });
    socket.once("error", (error: NodeJS.ErrnoException) => { resolve(error.code ?? error.message); });
  });

describe("ssh habits: jump hosts (targets inside a network namespace, reachable only through its bastion)", function () {
  const scratch = useScratch();
  const netns = useNetns();
  let bastion: Sshd;
  let inner: Sshd;
  let target: Sshd;
  let key = "";
  let knownHosts = "";
  let closedPort = 0;

  before(async () => {
    const dir = scratch();
    key = await clientKey(dir, "jump_ed25519");
    const authorizedKeys = join(dir, "authorized_keys");
    writeFileSync(authorizedKeys, publicKeyOf(key));
    // Free here, so nothing in this namespace answers on the ports the namespace's servers use.
    const [bastionPort = 0, innerPort = 0, targetPort = 0, closed = 0] = await reservePorts(4);
    closedPort = closed;
    const { name } = netns();
    [bastion, inner, target] = await Promise.all([
      startSshd(dir, "bastion", { address: netns().inside, port: bastionPort, authorizedKeys, netns: name }),
      startSshd(dir, "inner-bastion", { address: "127.0.0.1", port: innerPort, authorizedKeys, netns: name }),
      startSshd(dir, "target", { address: "127.0.0.1", port: targetPort, authorizedKeys, netns: name }),
    ]);
    knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, [bastion.knownHost, inner.knownHost, target.knownHost, ""].join("\n"));
  });
  after(async () => {
    await Promise.all([bastion, inner, target].map((s) => s.stop()));
  });

  const marks = (prefix: string, names: string[]): Record<string, { address?: string; port?: number; mark_file: string }> =>
    Object.fromEntries(names.map((n) => [n, { mark_file: join(scratch(), `${prefix}-${n}.conf`) }]));
  const marked = (prefix: string, names: string[]): string[] => names.map((n) => readFileSync(join(scratch(), `${prefix}-${n}.conf`), "utf8"));

  it("runs three hosts through ssh.jump over ONE connection to the bastion, whose own key is checked", async () => {
    expect(await directly(target.port)).to.equal("ECONNREFUSED");
    const hosts = Object.fromEntries(Object.entries(marks("inv", ["t1", "t2", "t3"])).map(([n, h]) => [n, { ...h, address: "127.0.0.1", port: target.port }]));
    const inventory = writeInventory(join(scratch(), "jump.yaml"), { identity_file: key, known_hosts: knownHosts, jump: `root@${bastion.address}:${bastion.port}` }, hosts);
    const before = { bastion: bastion.log().length, target: target.log().length };
    const run = await runMark(scratch(), inventory);
    expect(run.errors).to.deep.equal({});
    expect(marked("inv", ["t1", "t2", "t3"])).to.deep.equal(Array(3).fill(`${MARK_LINE}\n`));
    const bastionLog = bastion.log().slice(before.bastion);
    expect(count(bastionLog, /Connection from 10\.213\.\d+\.1 /)).to.equal(1);
    expect(count(bastionLog, /Accepted publickey for root/)).to.equal(1);
    // Each host's own SSH connection reached the target from inside the namespace.
    expect(count(target.log().slice(before.target), /Accepted publickey for root from 127\.0\.0\.1 /)).to.equal(3);
  });

  it("follows ProxyJump, HostName, Port, IdentityFile, UserKnownHostsFile and StrictHostKeyChecking from --ssh-config; the inventory wins on User", async () => {
    const learned = join(scratch(), "learned_known_hosts");
    const config = join(scratch(), "ssh_config");
    writeFileSync(config, [
      "Host tgt-*", "  HostName 127.0.0.1", `  Port ${target.port}`, "  ProxyJump bastion", "  User nobody-here",
      "Host bastion", `  HostName ${bastion.address}`, `  Port ${bastion.port}`, "  User root",
      "Host *", `  IdentityFile ${key}`, `  UserKnownHostsFile ${learned}`, "  StrictHostKeyChecking accept-new", "  ConnectTimeout 5", "",
    ].join("\n"));
    const inventory = writeInventory(join(scratch(), "config.yaml"), { user: "root" }, marks("cfg", ["tgt-1", "tgt-2"]));
    const before = bastion.log().length;
    const run = await runMark(scratch(), inventory, {}, ["--ssh-config", config]);
    expect(run.errors).to.deep.equal({});
    expect(marked("cfg", ["tgt-1", "tgt-2"])).to.deep.equal(Array(2).fill(`${MARK_LINE}\n`));
    expect(count(bastion.log().slice(before), /Connection from /)).to.equal(1);
    // accept-new recorded the bastion's key and the target's, in the one known_hosts file.
    expect(readFileSync(learned, "utf8").split("\n").filter(Boolean).sort()).to.deep.equal([bastion.knownHost.trim(), target.knownHost.trim()].sort());
  });

  it("follows a chain of two jump hosts, the second reachable only from the first", async () => {
    expect(await directly(inner.port)).to.equal("ECONNREFUSED");
    const hosts = Object.fromEntries(Object.entries(marks("chain", ["c1", "c2"])).map(([n, h]) => [n, { ...h, address: "127.0.0.1", port: target.port }]));
    const inventory = writeInventory(join(scratch(), "chain.yaml"), { identity_file: key, known_hosts: knownHosts, jump: `root@${bastion.address}:${bastion.port},127.0.0.1:${inner.port}` }, hosts);
    const before = inner.log().length;
    const run = await runMark(scratch(), inventory);
    expect(run.errors).to.deep.equal({});
    expect(marked("chain", ["c1", "c2"])).to.deep.equal(Array(2).fill(`${MARK_LINE}\n`));
    // The inner bastion was reached from inside the namespace (its loopback), once for both hosts.
    expect(count(inner.log().slice(before), /Connection from 127\.0\.0\.1 /)).to.equal(1);
  });

  describe("one-line failures naming the hop", () => {
    const spec = (overrides: Partial<ConnectSpec>): ConnectSpec => ({
      name: "app", address: "127.0.0.1", port: target.port, user: "root", identityFile: key, knownHosts, hostKeyPolicy: "strict",
      connection: "ssh", connectTimeoutMs: 5000, jump: `root@${bastion.address}:${bastion.port}`, ...overrides,
    });
    const failure = (overrides: Partial<ConnectSpec>): Promise<string> => connectFailure(spec(overrides));
    const app = (): string => `app (127.0.0.1:${target.port})`;
    const hop = (): string => `jump host ${bastion.address} (${bastion.address}:${bastion.port})`;

    it("the bastion's host key unknown", async () => {
      const empty = join(scratch(), "empty_known_hosts");
      writeFileSync(empty, "");
      expect(await failure({ knownHosts: empty })).to.match(new RegExp(`^${esc(app())}: ${esc(hop())}: host key not in ${esc(empty)} \\(ssh-ed25519 SHA256:`));
    });
    it("the bastion refuses the connection", async () => {
      expect(await failure({ jump: `${bastion.address}:${closedPort}` })).to.equal(`${app()}: jump host ${bastion.address} (${bastion.address}:${closedPort}): connection refused`);
    });
    it("the bastion refuses our key", async () => {
      expect(await failure({ jump: `no-such-user@${bastion.address}:${bastion.port}` })).to.equal(`${app()}: jump host ${bastion.address} (${bastion.address}:${bastion.port}): authentication failed for user no-such-user (tried publickey ${key}); the server accepts publickey`);
    });
    it("the bastion cannot reach the target", async () => {
      expect(await failure({ port: closedPort })).to.equal(`app (127.0.0.1:${closedPort}): ${hop()} cannot reach 127.0.0.1:${closedPort}: Connection refused`);
    });
    it("the second hop of a chain fails, and is the one named", async () => {
      expect(await failure({ jump: `root@${bastion.address}:${bastion.port},127.0.0.1:${closedPort}` })).to.equal(`${app()}: ${hop()} cannot reach 127.0.0.1:${closedPort}: Connection refused`);
    });
    it("a jump host that is not [user@]host[:port]", async () => {
      expect(await failure({ jump: "root@bastion:99999" })).to.equal(`${app()}: jump host 'root@bastion:99999' is not [user@]host[:port]`);
    });
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
