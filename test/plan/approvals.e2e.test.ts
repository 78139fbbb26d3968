import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry } from "../../src/audit/audit-log.js";
import type { ApprovedPlan } from "../../src/plan/approvals.js";
import { bkplay, onTerminal, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/slow-handler.yaml");
const PEOPLE = ["alice", "bob", "carol", "mallory"] as const;
type Person = (typeof PEOPLE)[number];

/** A TCP relay in front of each host's sshd: every connection bkplay makes to a host is counted. */
interface Relay {
  server: Server;
  port: number;
  connections: number;
}

function startRelay(target: number): Promise<Relay> {
  const relay: Relay = { server: createServer(), port: 0, connections: 0 };
  relay.server.on("connection", (socket) => {
    relay.connections++;
    const upstream = createConnection(target, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  return new Promise((resolve) => relay.server.listen(0, "127.0.0.1", () => resolve({ ...relay, port: (relay.server.address() as AddressInfo).port, get connections() { return relay.connections; } })));
}

describe("approved plans: SSH signatures of reviewers, verified before any host is contacted (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(2, "sshd");
  let keys = "";
  let agent = { sock: "", pid: 0 };
  let relays: Relay[] = [];
  let inventory = "";
  const key = (p: Person): string => join(keys, p);
  const allowed = (): string => join(keys, "allowed_signers");
  const logDir = (): string => join(f.dir(), "audit");
  const planFile = (): string => join(f.dir(), "approved.plan.json");
  const levelFile = (i: number): string => join(f.fleet().hosts[i]?.root ?? "", "etc/level.conf");
  const fingerprint = (p: Person): string => /SHA256:\S+/.exec(spawnSync("ssh-keygen", ["-lf", `${key(p)}.pub`], { encoding: "utf8" }).stdout)?.[0] ?? "";
  const contacts = (): number => relays.reduce((n, r) => n + r.connections, 0);

  before(async () => {
    keys = mkdtempSync(join(tmpdir(), "bkplay-approvers-"));
    for (const p of PEOPLE) spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", p, "-f", key(p)]);
    // mallory signs too, but the team's allowed_signers does not list her.
    writeFileSync(allowed(), (["alice", "bob", "carol"] as const).map((p) => `${p} namespaces="bkplay-plan" ${readFileSync(`${key(p)}.pub`, "utf8").trim()}\n`).join(""));
    // bob's key lives only in his ssh-agent: he signs with its public half.
    const sock = join(keys, "agent.sock");
    const started = spawnSync("ssh-agent", ["-s", "-a", sock], { encoding: "utf8" });
    agent = { sock, pid: Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1]) };
    expect(spawnSync("ssh-add", ["-q", key("bob")], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).to.equal(0);
    unlinkSync(key("bob"));
    relays = await Promise.all(f.fleet().hosts.map((h) => startRelay(h.port)));
    const fleet = f.fleet();
    const viaRelays = { ...fleet, hosts: fleet.hosts.map((h, i) => ({ ...h, port: relays[i]?.port ?? 0 })) };
    const knownHosts = join(f.dir(), "relayed_known_hosts");
    const lines = readFileSync(fleet.knownHostsFile, "utf8").split("\n");
    writeFileSync(knownHosts, fleet.hosts.map((h, i) => (lines.find((l) => l.startsWith(`[127.0.0.1]:${h.port} `)) ?? "").replace(`:${h.port} `, `:${relays[i]?.port ?? 0} `)).join("\n"));
    inventory = writeInventory(viaRelays, join(f.dir(), "approved-hosts.yaml"), { ssh: { known_hosts: knownHosts } });
  });
  after(async () => {
    if (agent.pid > 0) process.kill(agent.pid);
    await Promise.all(relays.map((r) => new Promise((resolve) => r.server.close(resolve))));
    rmSync(keys, { recursive: true, force: true });
  });
  beforeEach(() => f.reset());

  const plan = async (extra: string[] = [], env: Record<string, string> = {}): Promise<void> => {
    const r = await bkplay(["plan", playbook, "-i", inventory, "-e", "level=2", "-e", "pause=0", "-o", planFile(), "--log-dir", logDir(), "--signer-principal", "alice", ...extra], { env });
    expect(r.code, r.stderr).to.equal(0);
  };
  const approve = async (p: Person, env: Record<string, string> = {}): Promise<CliResult> => {
    const viaAgent = p === "bob";
    const r = await bkplay(["approve", planFile(), "--key", viaAgent ? `${key(p)}.pub` : key(p), "--signer-principal", p, "--yes"], { env: { SSH_AUTH_SOCK: viaAgent ? agent.sock : "", ...env } });
    return r;
  };
  const approveAll = async (...people: Person[]): Promise<void> => {
    for (const p of people) {
      const r = await approve(p);
      expect(r.code, r.stderr).to.equal(0);
    }
  };
  const apply = (extra: string[], env: Record<string, string> = {}): Promise<CliResult> => bkplay(["apply", planFile(), "--log-dir", logDir(), "--allowed-signers", allowed(), ...extra], { env });
  const plans = (): ApprovedPlan => JSON.parse(readFileSync(planFile(), "utf8")) as ApprovedPlan;

  /** The apply is refused with exit 2 and `why`, and no host was contacted: no connection, every host's tree as it was. */
  async function expectRefused(extra: string[], why: RegExp, env: Record<string, string> = {}): Promise<void> {
    const trees = snapshotTree(join(f.dir(), "hosts"));
    const before = contacts();
    const r = await apply(extra, env);
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr).to.match(why);
    expect(contacts(), "connections to hosts").to.equal(before);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(trees);
    expect(existsSync(levelFile(0))).to.equal(false);
  }

  it("two reviewers' approvals (one by an agent key) apply; the audit log and history name them with their key fingerprints", async () => {
    await plan(["--valid-for", "8h"]);
    await approveAll("bob", "carol");
    const approvals = plans().approvals ?? [];
    expect(approvals.map((a) => [a.principal, a.fingerprint])).to.deep.equal([["bob", fingerprint("bob")], ["carol", fingerprint("carol")]]);
    expect(approvals[0]?.signature).to.match(/^-----BEGIN SSH SIGNATURE-----/);
    // Indentation and key order are not content: the signatures are of the canonical bytes.
    const reordered = Object.fromEntries(Object.entries(plans()).reverse());
    writeFileSync(planFile(), JSON.stringify(reordered, null, 4));
    const before = contacts();
    const r = await apply(["--require-approvals", "2"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // The relays see an apply that does contact the hosts.
    expect(contacts()).to.be.greaterThan(before);
    for (const i of [0, 1]) expect(readFileSync(levelFile(i), "utf8")).to.equal("level=2\n");
    const entries = readFileSync(join(logDir(), "runs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEntry);
    expect(entries.at(-1)?.command).to.equal("apply");
    expect(entries.at(-1)?.approvers).to.deep.equal([{ principal: "bob", fingerprint: fingerprint("bob") }, { principal: "carol", fingerprint: fingerprint("carol") }]);
    const history = await bkplay(["history", "--log-dir", logDir()]);
    expect(history.stdout).to.include(`approved by bob (${fingerprint("bob")}), carol (${fingerprint("carol")})`);
  });

  it("one approval when two are required is refused (exit 2), no host contacted", async () => {
    await plan();
    await approveAll("bob");
    await expectRefused(["--require-approvals", "2"], /not approved: 1 distinct approver \(bob\) of the 2 required/);
    // The same reviewer approving twice is still one approver.
    await approveAll("bob");
    expect(plans().approvals).to.have.length(1);
    await expectRefused(["--require-approvals", "2"], /1 distinct approver \(bob\) of the 2 required/);
    // Nor does one key listed under two principals make two approvers.
    const twice = join(keys, "twice_signers");
    writeFileSync(twice, readFileSync(allowed(), "utf8").replace(/^bob /m, "bob,robert "));
    const doubled = plans();
    const bob = doubled.approvals?.[0];
    if (!bob) throw new Error("bob's approval is missing");
    doubled.approvals?.push({ ...bob, principal: "robert" });
    writeFileSync(planFile(), JSON.stringify(doubled, null, 2));
    await expectRefused(["--allowed-signers", twice, "--require-approvals", "2"], /1 distinct approver \(bob\) of the 2 required/);
  });

  it("a plan edited after it was signed is refused, no host contacted", async () => {
    await plan();
    await approveAll("bob", "carol");
    const edited = plans();
    edited.vars.level = 3;
    writeFileSync(planFile(), JSON.stringify(edited, null, 2));
    await expectRefused(["--require-approvals", "2"], /approved\.plan\.json:\d+:\d+: .*approval by bob .* refused: its signature does not match the plan: the plan changed after it was signed/);
    // A change in any host's reviewed bytes is refused just the same.
    const other = plans();
    other.vars.level = 2;
    const host = Object.values(other.hosts)[0];
    const change = host?.changes?.[0];
    if (change?.kind !== "write-file") throw new Error("expected a write-file change");
    change.contentSha256 = "0".repeat(64);
    writeFileSync(planFile(), JSON.stringify(other, null, 2));
    await expectRefused(["--require-approvals", "1"], /the plan changed after it was signed/);
  });

  it("a signer the allowed_signers file does not list is refused, even beside enough allowed ones", async () => {
    await plan();
    await approveAll("bob", "carol", "mallory");
    await expectRefused(["--require-approvals", "2"], new RegExp(`approval by mallory .* refused: its key ${fingerprint("mallory").replace(/[+/]/g, "\\$&")} is not an allowed signer`));
    // Nor can she pass as carol.
    await plan();
    const r = await bkplay(["approve", planFile(), "--key", key("mallory"), "--signer-principal", "carol", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    await approveAll("bob");
    await expectRefused(["--require-approvals", "2"], /approval by carol .* refused: its key .* is not an allowed signer/);
  });

  it("an expired plan is refused (exit 2), no host contacted; it cannot be approved either", async () => {
    await plan(["--valid-for", "1h"], { BKPLAY_NOW: "2026-06-01T01:00:00Z" });
    expect(plans().expiresAt).to.equal("2026-06-01T02:00:00.000Z");
    for (const p of ["bob", "carol"] as const) expect((await approve(p, { BKPLAY_NOW: "2026-06-01T01:30:00Z" })).code).to.equal(0);
    await expectRefused(["--require-approvals", "2"], /the plan expired at 2026-06-01T02:00:00\.000Z \(now 2026-06-01T02:30:00\.000Z\)/, { BKPLAY_NOW: "2026-06-01T02:30:00Z" });
    // Without approvals required, still refused.
    const r = await bkplay(["apply", planFile(), "--log-dir", logDir()], { env: { BKPLAY_NOW: "2026-06-01T02:30:00Z" } });
    expect(r.code).to.equal(2);
    const late = await approve("carol", { BKPLAY_NOW: "2026-06-01T03:00:00Z" });
    expect(late.code).to.equal(2);
    expect(late.stderr).to.match(/expired .*it can no longer be approved/);
    // The signed expiry cannot be pushed back.
    const extended = plans();
    extended.expiresAt = "2036-06-01T02:00:00.000Z";
    writeFileSync(planFile(), JSON.stringify(extended, null, 2));
    await expectRefused(["--require-approvals", "2"], /the plan changed after it was signed/, { BKPLAY_NOW: "2026-06-01T02:30:00Z" });
  });

  it("the planner's own approval does not count unless --allow-self-approval", async () => {
    await plan();
    await approveAll("alice", "bob");
    await expectRefused(["--require-approvals", "2"], /1 distinct approver \(bob\) of the 2 required .*the planner alice's own approval \(as alice\) does not count/);
    // Under another principal her key is listed for, she is still the planner.
    const aliases = join(keys, "aliases_signers");
    writeFileSync(aliases, readFileSync(allowed(), "utf8").replace(/^alice /m, "alice,ops-lead "));
    const asLead = await bkplay(["approve", planFile(), "--key", key("alice"), "--signer-principal", "ops-lead", "--yes"]);
    expect(asLead.code, asLead.stderr).to.equal(0);
    await expectRefused(["--allowed-signers", aliases, "--require-approvals", "2"], /the planner alice's own approval \(as ops-lead\) does not count/);
    await approveAll("alice");
    expect(plans().approvals?.map((a) => a.principal)).to.deep.equal(["bob", "alice"]);
    const r = await apply(["--require-approvals", "2", "--allow-self-approval"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(levelFile(0), "utf8")).to.equal("level=2\n");
  });

  it("on a terminal, approve shows the review and signs only after a yes", async () => {
    await plan();
    const args = ["approve", planFile(), "--key", key("carol"), "--signer-principal", "carol"];
    const no = await onTerminal(args, {}, /\[y\/N\]/, "n");
    expect(no).to.include("slow-handler").and.include("+level=2").and.include("not approved");
    expect(plans().approvals).to.equal(undefined);
    const yes = await onTerminal(args, {}, /\[y\/N\]/, "y");
    expect(yes).to.match(/approved .* as carol/);
    expect(plans().approvals?.map((a) => a.principal)).to.deep.equal(["carol"]);
    const unattended = await bkplay(args);
    expect(unattended.code).to.equal(2);
    expect(unattended.stderr).to.match(/no terminal.*--yes|there is none: review it, then pass --yes/);
  });
});
