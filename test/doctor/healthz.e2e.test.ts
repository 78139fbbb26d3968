import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { HealthzModule } from "../../src/generations/paas-modules.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { healthzFaultFile, type HealthzFault } from "../../src/sandbox/standins/healthz.js";
import { agentAuth } from "../../src/sandbox/trees/secrets.js";
import { useFleet } from "../support/fleet.js";
import { doctor, readOnlyDoctor, roles, seen, useAgentNginx, wrapShell } from "./support.js";

/** Makes `module` of `host` answer as its code does when `fault` holds (the sandbox's healthz stand-in). */
function breakModule(host: SandboxHost, module: HealthzModule, fault: HealthzFault): void {
  const file = healthzFaultFile(host.sysroot, module);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, fault);
}

/** Points a module's uwsgi config (where doctor reads its address) at `port`. */
function moveModule(host: SandboxHost, module: HealthzModule, port: number): void {
  const ini = join(host.root, `etc/uwsgi-open_paas-${module}.ini`);
  writeFileSync(ini, readFileSync(ini, "utf8").replace(/^http = 127\.0\.0\.1:\d+$/m, `http = 127.0.0.1:${port}`));
}

describe("doctor paas.healthz on bkce 5.x (paas-ce answers; 6 hosts, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "ce5", { mysql: true });
  useAgentNginx();
  const { one } = roles(f.fleet);
  afterEach(() => f.reset());

  it("login's database down: HTTP 200 with result false is a fail, quoting its code and message", async () => {
    const paas = one("paas");
    breakModule(paas, "login", "database");
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`paas.healthz fail ${paas.name}`]);
    const port = paas.paasPorts?.login ?? 0;
    expect(report.findings[0]?.message).to.equal(`login (127.0.0.1:${port}, from ${join(paas.root, "etc/uwsgi-open_paas-login.ini")}): says it is not healthy (1302002): 数据库连接存在问题: (2003, "Can't connect to MySQL server on '10.0.0.2' ([Errno 111] Connection refused)")`);
    expect(report.findings[0]?.evidence?.[0]).to.match(new RegExp(`^${paas.name}: GET http://127\\.0\\.0\\.1:${port}/healthz/ → HTTP 200: \\{"result": false, "bk_error_code": 1302002`));
    expect(report.code).to.equal(1);
  });

  it("paas-ce's paas fails by status: HTTP 500 with its message as text", async () => {
    const paas = one("paas");
    breakModule(paas, "paas", "database");
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`paas.healthz fail ${paas.name}`]);
    expect(report.findings[0]?.message).to.match(/^paas \(127\.0\.0\.1:\d+, from .*uwsgi-open_paas-paas\.ini\): says it is not healthy \(HTTP 500\): 数据库连接存在问题: \(2003/);
  });

  it("a port answered by something else (nginx's HTML), one nothing listens on (with the restart), one that never answers: each named within the bound, the other modules still judged", async () => {
    const paas = one("paas");
    const nginx = one("nginx");
    const [dead = 0] = await reservePorts(1);
    moveModule(paas, "esb", nginx.nginxPort ?? 0);
    moveModule(paas, "appengine", dead);
    breakModule(paas, "login", "hang");
    const t0 = Date.now();
    const report = await readOnlyDoctor(f, ["--only", "paas.healthz"]);
    expect(Date.now() - t0, "two runs, each bounded by the 3 s request").to.be.below(20_000);
    expect(seen(report)).to.deep.equal([`paas.healthz fail ${paas.name}`, `paas.healthz fail ${paas.name}`, `paas.healthz fail ${paas.name}`]);
    const messages = report.findings.map((x) => x.message);
    expect(messages[0]).to.equal(`appengine (127.0.0.1:${dead}, from ${join(paas.root, "etc/uwsgi-open_paas-appengine.ini")}): nothing listens on appengine on ${paas.name} (127.0.0.1:${dead}) (connection refused)`);
    expect(report.findings[0]?.fix?.steps).to.deep.equal([`on ${paas.name}: supervisorctl -c ${join(paas.root, "etc/supervisor-open_paas.conf")} restart appengine`]);
    expect(messages[1]).to.match(new RegExp(`^esb \\(127\\.0\\.0\\.1:${nginx.nginxPort ?? 0}, from .*\\): answered by something else, not esb's healthz: HTTP 404 text/html: <html>`));
    expect(messages[2]).to.equal(`login (127.0.0.1:${paas.paasPorts?.login ?? 0}, from ${join(paas.root, "etc/uwsgi-open_paas-login.ini")}): login on ${paas.name} (127.0.0.1:${paas.paasPorts?.login ?? 0}) did not answer within 3 s`);
  });

  it("a host without the tool the request needs (timeout) is unknown, never fail", async () => {
    const paas = one("paas");
    wrapShell(paas, `/usr/bin/env PATH=${pathWithout(join(f.dir(), "bin-without-timeout"), "timeout")}`);
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`paas.healthz unknown ${paas.name}`]);
    expect(report.findings[0]?.message).to.equal("could not call the healthz: timeout is not installed: cannot make an HTTP request from this host");
    expect(report.code).to.equal(0);
  });
});

/** A folder of links to every command of the machine but `missing`: a PATH on which that tool is not installed. */
function pathWithout(dir: string, missing: string): string {
  mkdirSync(dir, { recursive: true });
  for (const bin of ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].filter((d) => existsSync(d))) {
    for (const name of readdirSync(bin)) if (name !== missing && !existsSync(join(dir, name))) symlinkSync(join(bin, name), join(dir, name));
  }
  return dir;
}

describe("doctor paas.healthz on bkce 6.x (paas2 and console answers; 6 hosts, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "ce6", { mysql: true });
  useAgentNginx();
  const { one, role } = roles(f.fleet);
  afterEach(() => f.reset());

  it("App Engine's paas_agent failure carries an agent's sid and token in clear: shown redacted in every output, even when no agent config was read", async () => {
    const paas = one("paas");
    breakModule(paas, "appengine", "paas_agent");
    const agent = role("appo")[0] ?? one("appt");
    const { sid, token } = agentAuth(agent.root);
    // The raw answer holds them: the test would see a leak.
    const raw = await fetchText(paas.paasPorts?.appengine ?? 0, "/v1/healthz/");
    expect(raw).to.include(sid).and.include(token);
    const report = await readOnlyDoctor(f, ["--only", "paas.healthz"]);
    expect(seen(report)).to.deep.equal([`paas.healthz fail ${paas.name}`]);
    expect(report.findings[0]?.message).to.match(/^appengine \(.*\): says it is not healthy \(1304104\): paasagent healthz FAIL! Request exception! url=http:\/\/127\.0\.0\.1:4245\/v1\/app\/healthz, sid=•+, token=•+, error=/);
  });

  it("console's database down is a fail; paas2's weak redis check is a warn: exit 0, and 1 with --strict", async () => {
    const paas = one("paas");
    breakModule(paas, "paas", "redis");
    const warned = await readOnlyDoctor(f);
    expect(seen(warned)).to.deep.equal([`paas.healthz warn ${paas.name}`]);
    expect(warned.findings[0]?.message).to.match(/^paas \(.*\): healthy, but degraded: redis: 1301004 Redis连接存在问题: .*将导致监控告警不可用$/);
    expect(warned.code).to.equal(0);
    const strict = await doctor(["-i", f.fleet().inventoryFile, "--strict"]);
    expect(strict.run.code).to.equal(1);
    breakModule(paas, "console", "database");
    const failed = await readOnlyDoctor(f, ["--only", "paas.healthz"]);
    expect(failed.findings.map((x) => `${x.outcome} ${x.message.split(":")[0] ?? ""}`)).to.deep.equal(["warn paas (127.0.0.1", "fail console (127.0.0.1"]);
    expect(failed.findings[1]?.message).to.include("says it is not healthy (1303002): 数据库连接存在问题");
  });
});

/** The raw body a loopback port answers for `path`. */
async function fetchText(port: number, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return res.text();
}
