import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { Fleet } from "../../src/sandbox/fleet.js";
import { bkplay, onTerminal, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/hardening/secrets.yaml");
const TOKEN = `Rv8'Tq "Wm5" \\ #Jx2`;
const OTHER = "Hk3-other-Token-Lp9";

/** TCP forwarders in front of the fleet's hosts, counting the connections bkplay makes. */
async function forwarders(fleet: Fleet): Promise<{ fleet: Fleet; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const hosts = [];
  for (const h of fleet.hosts) {
    const server = createServer((socket) => {
      count++;
      sockets.add(socket);
      const up = connect(h.port, "127.0.0.1");
      socket.on("error", () => up.destroy());
      up.on("error", () => socket.destroy());
      socket.pipe(up).pipe(socket);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    servers.push(server);
    hosts.push({ ...h, port: (server.address() as AddressInfo).port });
  }
  return {
    fleet: { ...fleet, hosts },
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    },
  };
}

describe("secrets from the environment, standard input and the terminal; plans remember them by hash (sshd)", function () {
  this.timeout(90_000);
  const f = useFleet(5, "sshd");
  beforeEach(() => f.reset());
  const paas = (): string => f.fleet().hosts.find((h) => h.roles.includes("paas"))?.root ?? "";
  const tokenLog = (): string => readFileSync(join(paas(), "logs/token.log"), "utf8");
  const inv = (vars: Record<string, unknown> = {}): string =>
    writeInventory(f.fleet(), join(f.dir(), "secret-input-hosts.yaml"), { vars: Object.fromEntries(f.fleet().hosts.map((h) => [h.name, vars])) });

  it("BKPLAY_VAR_<name> gives a secret: applied on the host, masked on screen and in the audit log", async () => {
    const logDir = join(f.dir(), "audit-env");
    const r = await bkplay(["run", playbook, "-i", inv(), "--log-dir", logDir], { env: { BKPLAY_VAR_api_token: TOKEN } });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(tokenLog()).to.equal(`token=${TOKEN}\n`);
    expect(r.stdout + r.stderr).not.to.include("Wm5");
    const audit = readFileSync(join(logDir, "runs.jsonl"), "utf8");
    expect(audit).not.to.include("Wm5");
    expect(JSON.parse(audit.trim().split("\n").at(-1) ?? "{}")).to.have.nested.property("vars.api_token", "••••");
  });

  it("--vars-file - reads the variables from standard input", async () => {
    const r = await bkplay(["run", playbook, "-i", inv(), "--vars-file", "-"], { input: `api_token: ${JSON.stringify(TOKEN)}\n` });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(tokenLog()).to.equal(`token=${TOKEN}\n`);
    expect(r.stdout + r.stderr).not.to.include("Wm5");
  });

  it("a missing secret is asked for on a terminal, without echo, and used", async () => {
    const screen = await onTerminal(["run", playbook, "-i", inv()], {}, /secret api_token[^\n]*: $/, OTHER);
    expect(screen).to.match(/secret api_token/);
    expect(screen, "what was typed is not shown").not.to.include("Hk3");
    expect(tokenLog()).to.equal(`token=${OTHER}\n`);
  });

  it("precedence: -e > --vars-file > environment > inventory > default", async () => {
    const domain = async (vars: Record<string, unknown>, env: Record<string, string>, ...more: string[]): Promise<string[]> => {
      const r = await bkplay(["run", playbook, "-i", inv(vars), "--check", "--diff", "--json", ...more], { env: { BKPLAY_VAR_api_token: TOKEN, ...env }, input: "new_domain: paas.file.com\n" });
      expect(r.code, r.stderr).to.equal(0);
      const after = reportOf(r).hosts.flatMap((h) => h.steps.flatMap((s) => s.diffs.map((d) => d.after)));
      return [...new Set(after.flatMap((t) => [.../CONTROLLER_SERVER_URL: '?http:\/\/([\w.-]+)/.exec(t)?.slice(1) ?? []]))];
    };
    expect(await domain({}, {})).to.deep.equal(["paas.secret.com"]);
    expect(await domain({ new_domain: "paas.inventory.com" }, {})).to.deep.equal(["paas.inventory.com"]);
    expect(await domain({ new_domain: "paas.inventory.com" }, { BKPLAY_VAR_new_domain: "paas.env.com" })).to.deep.equal(["paas.env.com"]);
    expect(await domain({}, { BKPLAY_VAR_new_domain: "paas.env.com" }, "--vars-file", "-")).to.deep.equal(["paas.file.com"]);
    expect(await domain({}, {}, "--vars-file", "-", "-e", "new_domain=paas.cli.com")).to.deep.equal(["paas.cli.com"]);
  });

  it("a plan keeps a salted hash of each secret; apply with another value is refused (exit 2) before any host is contacted", async () => {
    const via = await forwarders(f.fleet());
    try {
      const hosts = writeInventory(via.fleet, join(f.dir(), "forwarded-hosts.yaml"), { ssh: { known_hosts: join(f.dir(), "forwarded-known-hosts"), host_key_checking: "accept-new" } });
      const logDir = join(f.dir(), "audit-plan");
      const planFile = join(f.dir(), "secret.plan.json");
      const plan = await bkplay(["plan", playbook, "-i", hosts, "-o", planFile, "--log-dir", logDir], { env: { BKPLAY_VAR_api_token: TOKEN } });
      expect(plan.code, plan.stderr).to.equal(0);
      expect(plan.stderr).to.include(`bkplay apply ${planFile}`).and.include("BKPLAY_VAR_api_token").and.not.match(/-e api_token/);
      const text = readFileSync(planFile, "utf8");
      expect(text).not.to.include("Wm5");
      const saved = JSON.parse(text) as { secretVars: string[]; secretHashes: Record<string, { salt: string; scrypt: string }> };
      expect(saved.secretVars).to.deep.equal(["api_token"]);
      expect(saved.secretHashes.api_token?.salt).to.match(/^[0-9a-f]{32}$/);
      expect(saved.secretHashes.api_token?.scrypt).to.match(/^[0-9a-f]{64}$/);

      const before = via.connections();
      const wrong = await bkplay(["apply", planFile, "--log-dir", logDir], { env: { BKPLAY_VAR_api_token: OTHER } });
      expect(wrong.code, wrong.stderr + wrong.stdout).to.equal(2);
      expect(wrong.stderr).to.include("api_token differs from the value the plan was made with");
      expect(wrong.stderr + wrong.stdout).not.to.include("Hk3");
      const missing = await bkplay(["apply", planFile, "--log-dir", logDir]);
      expect(missing.code, missing.stderr).to.equal(2);
      expect(missing.stderr).to.include("BKPLAY_VAR_api_token").and.not.match(/-e api_token/);
      const unhashed = join(f.dir(), "unhashed.plan.json");
      writeFileSync(unhashed, JSON.stringify({ ...saved, secretHashes: {} }));
      const old = await bkplay(["apply", unhashed, "--log-dir", logDir], { env: { BKPLAY_VAR_api_token: TOKEN } });
      expect(old.code, old.stderr).to.equal(2);
      expect(old.stderr).to.include("does not record the value of api_token");
      expect(via.connections(), "no host contacted by a refused apply").to.equal(before);

      const right = await bkplay(["apply", planFile, "--log-dir", logDir], { env: { BKPLAY_VAR_api_token: TOKEN } });
      expect(right.code, right.stderr + right.stdout).to.equal(0);
      expect(tokenLog()).to.equal(`token=${TOKEN}\n`);
    } finally {
      await via.close();
    }
  });
});
