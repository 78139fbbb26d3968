import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { reservePorts } from "../../src/sandbox/ports.js";
import { terminate } from "../../src/sandbox/processes.js";
import { clientKey, MARK_LINE, publicKeyOf, runMark, sh, startSshd, useScratch, writeInventory, type Sshd } from "./lab.js";

const fingerprintOf = async (key: string): Promise<string> => (await sh("ssh-keygen", ["-lf", `${key}.pub`])).split(" ")[1] ?? "";

describe("ssh habits: agent and passphrase-protected keys (real sshd, real ssh-agent)", function () {
  const scratch = useScratch();
  let sshd: Sshd;
  let agent: ChildProcess | undefined;
  let agentSocket = "";
  let protectedKey = "";
  let agentKey = "";
  let knownHosts = "";

  before(async () => {
    const dir = scratch();
    agentKey = await clientKey(dir, "agent_only_ed25519");
    protectedKey = await clientKey(dir, "protected_ed25519", "correct horse");
    writeFileSync(join(dir, "authorized_keys"), publicKeyOf(agentKey) + publicKeyOf(protectedKey));
    const [port = 0] = await reservePorts(1);
    sshd = await startSshd(dir, "keys", { address: "127.0.0.1", port, authorizedKeys: join(dir, "authorized_keys") });
    knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `${sshd.knownHost}\n`);
    agentSocket = join(dir, "agent.sock");
    agent = spawn("ssh-agent", ["-D", "-a", agentSocket], { stdio: "ignore" });
    for (const deadline = Date.now() + 5000; !existsSync(agentSocket) && Date.now() < deadline;) await sleep(20);
    await sh("env", [`SSH_AUTH_SOCK=${agentSocket}`, "ssh-add", "-q", agentKey]);
  });
  after(async () => {
    if (agent?.pid !== undefined) await terminate(agent.pid);
    await sshd.stop();
  });

  const inventory = (name: string, ssh: Record<string, unknown>): string => {
    const dir = scratch();
    return writeInventory(join(dir, `${name}.yaml`), { known_hosts: knownHosts, ...ssh }, { [name]: { address: sshd.address, port: sshd.port, mark_file: join(dir, `${name}.conf`) } });
  };

  it("authenticates through the agent alone (its key is named nowhere in the inventory)", async () => {
    const run = await runMark(scratch(), inventory("via-agent", {}), { SSH_AUTH_SOCK: agentSocket });
    expect(run.errors).to.deep.equal({});
    expect(run.code).to.equal(0);
    expect(readFileSync(join(scratch(), "via-agent.conf"), "utf8")).to.equal(`${MARK_LINE}\n`);
    expect(sshd.log()).to.include(`Accepted publickey for root from 127.0.0.1 port`).and.to.include(await fingerprintOf(agentKey));
  });

  it("unlocks a passphrase-protected key from passphrase_env (after an agent that is not there), once for all its hosts", async () => {
    const before = sshd.log().length;
    const dir = scratch();
    const names = ["via-passphrase-1", "via-passphrase-2", "via-passphrase-3"];
    const hosts = Object.fromEntries(names.map((name) => [name, { address: sshd.address, port: sshd.port, mark_file: join(dir, `${name}.conf`) }]));
    const file = writeInventory(join(dir, "via-passphrase.yaml"), { known_hosts: knownHosts, identity_file: protectedKey, passphrase_env: "BK_KEY_PASS" }, hosts);
    const run = await runMark(dir, file, { SSH_AUTH_SOCK: join(dir, "no-agent.sock"), BK_KEY_PASS: "correct horse" });
    expect(run.errors).to.deep.equal({});
    expect(names.map((name) => readFileSync(join(dir, `${name}.conf`), "utf8"))).to.deep.equal(names.map(() => `${MARK_LINE}\n`));
    const fingerprint = await fingerprintOf(protectedKey);
    expect(sshd.log().slice(before).split("\n").filter((l) => l.includes("Accepted publickey") && l.includes(fingerprint))).to.have.length(names.length);
  });

  it("refuses a wrong passphrase on one line naming the key file and where the passphrase came from", async () => {
    const run = await runMark(scratch(), inventory("wrong-passphrase", { identity_file: protectedKey, passphrase_env: "BK_KEY_PASS" }), { BK_KEY_PASS: "battery staple" });
    expect(run.code).to.equal(1);
    expect(run.errors["wrong-passphrase"]).to.equal(`wrong-passphrase (127.0.0.1:${sshd.port}): wrong passphrase for identity file ${protectedKey} (from $BK_KEY_PASS)`);
    expect(existsSync(join(scratch(), "wrong-passphrase.conf"))).to.equal(false);
  });

  it("without agent or passphrase, says the key was skipped and why, with no terminal to ask on", async () => {
    const run = await runMark(scratch(), inventory("no-passphrase", { identity_file: protectedKey, passphrase_env: "BK_KEY_PASS" }));
    expect(run.errors["no-passphrase"]).to.equal(
      `no-passphrase (127.0.0.1:${sshd.port}): authentication failed for user root (tried nothing); the server accepts publickey; publickey ${protectedKey} (passphrase-protected; $BK_KEY_PASS is not set and no terminal to ask on)`,
    );
  });
});
