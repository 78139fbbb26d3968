import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect as connectTcp, createServer } from "node:net";
import type { Socket } from "node:net";
import { join } from "node:path";
import { ensureKeyPair } from "../../src/sandbox/keys.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { ConnectError } from "../../src/errors.js";
import { connect } from "../../src/transport/connect.js";
import { fingerprint } from "../../src/transport/known-hosts.js";
import type { ConnectSpec } from "../../src/transport/types.js";
import { BACKENDS, useFleet } from "../support/fleet.js";
import { connectFailure } from "./connect-failure.js";

async function expectConnectError(spec: ConnectSpec, pattern: RegExp): Promise<string> {
  const message = await connectFailure(spec);
  expect(message).to.match(pattern);
  return message;
}

for (const backend of BACKENDS) {
  describe(`ssh transport (${backend})`, function () {
    before(function () {
      if (backend === "sshd" && !existsSync("/usr/sbin/sshd")) this.skip();
    });
    const sandbox = useFleet(1, backend);
    let scratch = "";
    before(() => { scratch = mkdtempSync(join(tmpdir(), "bkplay-ssh-test-")); });
    after(() => { rmSync(scratch, { recursive: true, force: true }); });

    const specFor = (overrides: Partial<ConnectSpec> = {}): ConnectSpec => {
      const fleet = sandbox.fleet();
      const host = fleet.hosts[0];
      if (host === undefined) throw new Error("fleet has no host");
      return {
        name: "paas-1", address: host.address, port: host.port, user: "root", identityFile: fleet.identityFile,
        knownHosts: fleet.knownHostsFile, hostKeyPolicy: "strict", connection: "ssh", connectTimeoutMs: 10_000, ...overrides,
      };
    };
    const hostKey = (): Buffer => {
      const pub = readFileSync(join(sandbox.dir(), "hosts", "bk-1", "ssh_host_ed25519_key.pub"), "utf8");
      return Buffer.from(pub.split(" ")[1] ?? "", "base64");
    };

    it("execs with stdin, exit codes, signals and binary-safe output over one connection", async () => {
      const transport = await connect(specFor());
      try {
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const echoed = await transport.exec("cat; printf 'warn' >&2; exit 7", { stdin: bytes });
        expect(echoed.exitCode).to.equal(7);
        expect(echoed.stdout.equals(bytes)).to.equal(true);
        expect(echoed.stderr.toString()).to.equal("warn");
        const [ok, killed] = await Promise.all([transport.exec("true"), transport.exec("kill -TERM $$")]);
        expect(ok.exitCode).to.equal(0);
        expect(killed.exitCode).to.equal(143);
      } finally {
        await transport.close();
      }
    });

    it("strict refuses an unknown host key, naming the host and the fingerprint", async () => {
      const knownHosts = join(scratch, "empty_known_hosts");
      writeFileSync(knownHosts, "");
      const message = await expectConnectError(specFor({ knownHosts }), /host key not in/);
      expect(message).to.include(`paas-1 (127.0.0.1:${specFor().port})`);
      expect(message).to.include(`ssh-ed25519 ${fingerprint(hostKey())}`);
      expect(message).to.include("--host-key-checking accept-new");
    });

    it("accept-new records an unknown key, then strict trusts it", async () => {
      const knownHosts = join(scratch, "new", "known_hosts");
      const first = await connect(specFor({ knownHosts, hostKeyPolicy: "accept-new" }));
      await first.close();
      expect(readFileSync(knownHosts, "utf8")).to.equal(`[127.0.0.1]:${specFor().port} ssh-ed25519 ${hostKey().toString("base64")}\n`);
      const second = await connect(specFor({ knownHosts }));
      expect((await second.exec("echo again")).stdout.toString()).to.equal("again\n");
      await second.close();
    });

    it("refuses a mismatched host key even under accept-new", async () => {
      const knownHosts = join(scratch, "mismatch_known_hosts");
      const other = "AAAAC3NzaC1lZDI1NTE5AAAAIAiOqiQ+hybnwgHCat/V7/hdFUXQX+YLL4+KeGHxrTFC";
      writeFileSync(knownHosts, `[127.0.0.1]:${specFor().port} ssh-ed25519 ${other}\n`);
      const message = await expectConnectError(specFor({ knownHosts, hostKeyPolicy: "accept-new" }), /HOST KEY MISMATCH/);
      expect(message).to.include(`offered ssh-ed25519 ${fingerprint(hostKey())}`);
      expect(message).to.include(`known ${fingerprint(Buffer.from(other, "base64"))}`);
      expect(readFileSync(knownHosts, "utf8").split("\n")).to.have.length(2);
    });

    it("rejects running and later execs with ConnectError when the connection is lost", async () => {
      // A real TCP relay in front of the host, so the test can cut the wire mid-command.
      const cut = new Set<Socket>();
      const relay = createServer((inbound) => {
        const outbound = connectTcp(specFor().port, "127.0.0.1");
        inbound.pipe(outbound).pipe(inbound);
        inbound.on("error", () => undefined);
        outbound.on("error", () => undefined);
        cut.add(inbound).add(outbound);
      });
      await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
      const { port } = relay.address() as { port: number };
      const knownHosts = join(scratch, "relay_known_hosts");
      writeFileSync(knownHosts, `[127.0.0.1]:${port} ssh-ed25519 ${hostKey().toString("base64")}\n`);
      const transport = await connect(specFor({ port, knownHosts }));
      try {
        const running = transport.exec("sleep 5").catch((e: unknown) => e);
        await transport.exec("true");
        for (const socket of cut) socket.destroy();
        const error = await running;
        expect(error).to.be.instanceOf(ConnectError);
        expect((error as Error).message).to.match(new RegExp(`^paas-1 \\(127\\.0\\.0\\.1:${port}\\): connection lost`));
        const later = await transport.exec("true").catch((e: unknown) => e);
        expect(later).to.be.instanceOf(ConnectError);
      } finally {
        await transport.close();
        relay.close();
      }
    });

    it("names the key it tried when authentication fails", async () => {
      const stranger = join(scratch, "stranger_ed25519");
      await ensureKeyPair(stranger, "stranger");
      await expectConnectError(specFor({ identityFile: stranger }), new RegExp(`authentication failed for user root \\(tried publickey ${stranger}\\)`));
    });
  });
}

describe("ssh transport failures", () => {
  const spec = (address: string, port: number): ConnectSpec => ({
    name: "gone", address, port, user: "root", hostKeyPolicy: "strict", connection: "ssh", connectTimeoutMs: 300,
  });

  it("reports a closed port as connection refused on one line", async () => {
    const [port = 1] = await reservePorts(1);
    await expectConnectError(spec("127.0.0.1", port), new RegExp(`^gone \\(127\\.0\\.0\\.1:${port}\\): connection refused$`));
  });

  it("reports a server that never answers as a timeout", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as { port: number };
      await expectConnectError(spec("127.0.0.1", port), /: timed out after 300 ms$/);
    } finally {
      silent.close();
    }
  });

  it("reports a name that does not resolve as a DNS failure", async () => {
    await expectConnectError(spec("no-such-host.invalid", 22), /: cannot resolve no-such-host\.invalid \(DNS /);
  });
});
