import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "yaml";
import { detectGeneration, markerPaths } from "../../src/generations/markers.js";
import { SANDBOX_ROLES } from "../../src/sandbox/bk-tree.js";
import { startFleet, stopFleet } from "../../src/sandbox/fleet.js";
import type { Fleet } from "../../src/sandbox/fleet.js";
import { planFleet, rolesOf, sandboxVars, type SandboxHost } from "../../src/sandbox/fleet-files.js";
import { acceptsConnections } from "../../src/sandbox/ports.js";
import { REAL_NGINX } from "../../src/sandbox/standins/nginx.js";
import { SUPERVISORD } from "../../src/sandbox/daemons/supervisord.js";
import { MARIADBD } from "../../src/sandbox/daemons/mariadb.js";
import { connect } from "../../src/transport/connect.js";
import { BACKENDS, supervisorPid } from "../support/fleet.js";
import { localMarkers } from "../support/marker-reader.js";

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
interface FleetJson { generation: string; pids: number[]; daemons: { host: string; kind: string; pid: number }[] }
const recordOf = (fleet: Fleet): FleetJson => JSON.parse(readFileSync(join(fleet.dir, "fleet.json"), "utf8")) as FleetJson;

/** Runs `command` on a sandbox host through bkplay's own SSH transport. */
async function onHost(fleet: Fleet, host: SandboxHost, command: string): Promise<{ code: number; out: string; err: string }> {
  const transport = await connect({
    name: host.name, address: host.address, port: host.port, user: "root", identityFile: fleet.identityFile,
    knownHosts: fleet.knownHostsFile, hostKeyPolicy: "strict", connection: "ssh", connectTimeoutMs: 10_000,
  });
  try {
    const r = await transport.exec(command);
    return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
  } finally {
    await transport.close();
  }
}

/** Status of GET / with a Host header on a loopback port (0: the connection closed without a response). */
function statusFor(port: number, name: string): Promise<number> {
  return new Promise((resolve) => {
    request({ host: "127.0.0.1", port, path: "/", agent: false, headers: { Host: name } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", () => { resolve(0); }).end();
  });
}

const hostWith = (fleet: Fleet, role: string): SandboxHost => {
  const h = fleet.hosts.find((x) => x.roles.includes(role as never));
  if (!h) throw new Error(`no ${role} host`);
  return h;
};

describe("sandbox roles", () => {
  it("gives one role per host from five hosts up, cycling", () => {
    expect(Array.from({ length: 7 }, (_, i) => rolesOf(i, 7))).to.deep.equal([["paas"], ["appo"], ["appt"], ["nginx"], ["mysql"], ["paas"], ["appo"]]);
  });

  it("covers every role on smaller fleets", () => {
    expect(Array.from({ length: 3 }, (_, i) => rolesOf(i, 3))).to.deep.equal([["paas", "nginx"], ["appo", "mysql"], ["appt"]]);
    for (let count = 1; count < 5; count++) {
      expect(Array.from({ length: count }, (_, i) => rolesOf(i, count)).flat().sort()).to.deep.equal([...SANDBOX_ROLES].sort());
    }
  });

  it("a mixed fleet is three installs side by side, each covering every role", () => {
    for (const count of [3, 5, 8]) {
      const plan = planFleet(count, "mixed");
      for (const g of ["ce5", "ce6", "oss"]) expect(plan.filter((p) => p.generation === g).flatMap((p) => p.roles).sort(), `${count} hosts, ${g}`).to.deep.equal([...SANDBOX_ROLES].sort());
    }
    expect(planFleet(5, "mixed").map((p) => p.generation)).to.deep.equal(["ce5", "ce6", "oss", "ce5", "ce6"]);
    expect(planFleet(4, "ce6").map((p) => p.generation)).to.deep.equal(["ce6", "ce6", "ce6", "ce6"]);
  });

  it("oss: nginx goes with each paas host, never to a host of its own (nothing would mark that host as oss)", () => {
    expect(planFleet(5, "oss").map((p) => p.roles)).to.deep.equal([["paas", "nginx"], ["appo"], ["appt"], ["mysql"], ["paas", "nginx"]]);
    for (const count of [1, 2, 3, 4, 6, 9]) {
      const roles = planFleet(count, "oss").map((p) => p.roles);
      expect(roles.every((r) => r.includes("nginx") === r.includes("paas")), `${count} hosts`).to.equal(true);
      expect(new Set(roles.flat()), `${count} hosts`).to.deep.equal(new Set(SANDBOX_ROLES));
    }
  });
});

for (const backend of BACKENDS) {
  describe(`sandbox fleet (${backend})`, function () {
    this.timeout(60_000);
    let dir = "";
    before(function () {
      if (backend === "sshd" && !existsSync("/usr/sbin/sshd")) this.skip();
      dir = mkdtempSync(join(tmpdir(), `bkplay-fleet-${backend}-`));
    });
    after(() => { rmSync(dir, { recursive: true, force: true }); });

    it("starts three ce5 hosts with their trees, services, inventory and known_hosts; stop() leaves nothing running", async () => {
      const fleet = await startFleet({ hosts: 3, dir, backend });
      const record = recordOf(fleet);
      try {
        expect(fleet.backend).to.equal(backend);
        expect(fleet.generation).to.equal("ce5");
        expect(record.generation).to.equal("ce5");
        expect(fleet.hosts.map((h) => h.name)).to.deep.equal(["bk-1", "bk-2", "bk-3"]);
        expect(fleet.hosts.map((h) => h.generation)).to.deep.equal(["ce5", "ce5", "ce5"]);
        expect(new Set(fleet.hosts.map((h) => h.port)).size).to.equal(3);
        const [paas, appo, appt] = fleet.hosts.map((h) => h.root);
        expect(readFileSync(join(paas ?? "", "open_paas/paas/conf/settings_production.py"), "utf8")).to.include("# domain\nPAAS_DOMAIN = 'paas.bk.com:80'\n");
        expect(readFileSync(join(paas ?? "", "etc/nginx/paas.conf"), "utf8")).to.include("server_name  paas.bk.com paas.service.consul;");
        expect(readlinkSync(join(appo ?? "", "paas_agent/paas_agent/etc/paas_agent_config.yaml"))).to.equal("../../../etc/paas_agent_config.yaml");
        expect(readFileSync(join(appt ?? "", "paas_agent/paas_agent/etc/paas_agent_config.yaml"), "utf8")).to.include("EXECUTE_TIME_LIMIT: 300");
        expect(existsSync(join(appt ?? "", "open_paas"))).to.equal(false);

        const inventory = parse(readFileSync(fleet.inventoryFile, "utf8")) as { groups: { [g: string]: { hosts: { [h: string]: { port: number; vars: { [k: string]: string } } } } } };
        expect(Object.keys(inventory.groups)).to.deep.equal([...SANDBOX_ROLES]);
        const first = fleet.hosts[0];
        if (!first) throw new Error("no host");
        expect(inventory.groups.nginx?.hosts["bk-1"]).to.deep.equal({ address: "127.0.0.1", port: first.port, vars: sandboxVars(first) });
        expect(sandboxVars(first)).to.deep.equal({
          paas_root: paas, bk_sysroot: join(dir, "hosts/bk-1"),
          bkplay_backup_dir: join(dir, "hosts/bk-1/var/tmp/bkplay"), bkplay_state_dir: join(dir, "hosts/bk-1/var/lib/bkplay"),
        });
        expect(readFileSync(fleet.knownHostsFile, "utf8").trim().split("\n")).to.have.length(3);

        // Real services: one supervisord for open_paas, one per agent host, the nginx host's nginx (where installed).
        const kinds = record.daemons.map((d) => `${d.host} ${d.kind}`);
        if (existsSync(SUPERVISORD)) expect(kinds).to.include.members(["bk-1 supervisord", "bk-2 supervisord", "bk-3 supervisord"]);
        if (existsSync(REAL_NGINX)) expect(kinds).to.include("bk-1 nginx");
        expect(record.daemons.map((d) => d.pid).filter((pid) => !isAlive(pid))).to.deep.equal([]);

        await Promise.all(fleet.hosts.map(async (host) => {
          const r = await onHost(fleet, host, `test -d ${host.root}/logs && echo ${host.name} && command -v nginx`);
          // The nginx host's own nginx comes first on its PATH; the others have the machine's (or none).
          const nginx = host.roles.includes("nginx") ? `${host.sysroot}/usr/sbin/nginx\n` : "";
          expect(r.out.startsWith(`${host.name}\n${nginx}`), r.out).to.equal(true);
        }));
      } finally {
        await fleet.stop();
      }
      expect(record.pids.filter(isAlive)).to.deep.equal([]);
      expect(await Promise.all(fleet.hosts.map((h) => acceptsConnections(h.port)))).to.deep.equal([false, false, false]);
      expect(existsSync(join(dir, "fleet.json"))).to.equal(false);
    });

    it("runs detached until stopFleet(dir), reusing the fleet's keys", async () => {
      const clientKey = readFileSync(join(dir, "id_ed25519"));
      const fleet = await startFleet({ hosts: 1, dir, backend, detached: true });
      const { pids } = recordOf(fleet);
      const port = fleet.hosts[0]?.port ?? 0;
      expect(pids.length).to.be.greaterThan(0);
      expect(pids.filter((pid) => !isAlive(pid))).to.deep.equal([]);
      expect(await acceptsConnections(port)).to.equal(true);
      expect(readFileSync(join(dir, "id_ed25519")).equals(clientKey)).to.equal(true);
      await stopFleet(dir);
      expect(pids.filter(isAlive)).to.deep.equal([]);
      expect(await acceptsConnections(port)).to.equal(false);
    });

    it("ce6: the host's systemctl comes first on its PATH, refuses an unknown unit (exit 5), and reloads the real nginx", async () => {
      const fleet = await startFleet({ hosts: 5, dir, backend, generation: "ce6" });
      try {
        const paas = hostWith(fleet, "paas");
        const which = await onHost(fleet, paas, "command -v systemctl");
        expect(which.out).to.equal(`${paas.sysroot}/usr/bin/systemctl\n`);
        const unknown = await onHost(fleet, paas, "systemctl restart bk-paas-nope.service");
        expect(unknown).to.deep.include({ code: 5, err: "Failed to restart bk-paas-nope.service: Unit bk-paas-nope.service not found.\n" });
        expect((await onHost(fleet, paas, "systemctl restart bk-paas-esb.service")).code).to.equal(0);
        expect(readFileSync(join(paas.root, "logs/systemctl.log"), "utf8")).to.equal("restart bk-paas-esb.service\n");

        const nginx = hostWith(fleet, "nginx");
        if (!existsSync(REAL_NGINX) || nginx.nginxPort === undefined) return;
        const port = nginx.nginxPort;
        expect([await statusFor(port, "paas.bktencent.com"), await statusFor(port, "paas.example.com")]).to.deep.equal([502, 0]);
        const conf = join(nginx.sysroot, "usr/local/openresty/nginx/conf/conf.d/paas.conf");
        writeFileSync(conf, readFileSync(conf, "utf8").replace("server_name  paas.bktencent.com;", "server_name  paas.example.com;"));
        const reload = await onHost(fleet, nginx, "openresty -t -q && systemctl reload openresty.service");
        expect(reload.code, reload.err).to.equal(0);
        let served = 0;
        for (let i = 0; i < 100 && served !== 502; i++) {
          await sleep(50);
          served = await statusFor(port, "paas.example.com");
        }
        expect(served).to.equal(502);

        // A reset brings back the fresh files, and the nginx serving them.
        await fleet.reset();
        expect(readFileSync(conf, "utf8")).to.include("server_name  paas.bktencent.com;");
        expect(await statusFor(port, "paas.bktencent.com")).to.equal(502);
        expect(existsSync(join(paas.root, "logs/systemctl.log"))).to.equal(false);
      } finally {
        await fleet.stop();
      }
    });
  });
}

describe("sandbox fleet services (sshd)", function () {
  this.timeout(60_000);
  let dir = "";
  before(function () {
    if (!existsSync("/usr/sbin/sshd")) this.skip();
    dir = mkdtempSync(join(tmpdir(), "bkplay-fleet-services-"));
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it("ce5: supervisorctl -c etc/supervisor-open_paas.conf restart paas, over SSH as BKDocs writes it, gives paas a new pid", async function () {
    if (!existsSync(SUPERVISORD)) this.skip();
    const fleet = await startFleet({ hosts: 5, dir, backend: "sshd" });
    try {
      const paas = hostWith(fleet, "paas");
      const conf = join(paas.root, "etc/supervisor-open_paas.conf");
      const before = supervisorPid(conf, "paas");
      const esb = supervisorPid(conf, "esb");
      expect(before).to.be.greaterThan(0);
      const r = await onHost(fleet, paas, `${paas.root}/.envs/open_paas/bin/supervisorctl -c ${conf} restart paas`);
      expect(r.code, r.err).to.equal(0);
      const after = supervisorPid(conf, "paas");
      expect(after).to.be.greaterThan(0).and.not.equal(before);
      expect(supervisorPid(conf, "esb")).to.equal(esb);
      // A program it does not have is supervisorctl's error, not a silent success.
      expect((await onHost(fleet, paas, `supervisorctl -c ${conf} restart paas_agent`)).code).to.not.equal(0);
      const agent = hostWith(fleet, "appo");
      expect((await onHost(fleet, agent, `supervisorctl -c ${agent.root}/etc/supervisor-paas_agent.conf restart paas_agent`)).code).to.equal(0);
    } finally {
      await fleet.stop();
    }
  });

  it("oss: dashboard.sh over SSH takes what the seeds' script takes and refuses the rest with exit 2", async () => {
    const fleet = await startFleet({ hosts: 3, dir, backend: "sshd", generation: "oss" });
    try {
      const paas = hostWith(fleet, "paas");
      expect(paas.root).to.equal(join(paas.sysroot, "data/paas"));
      const dashboard = `${paas.root}/open_paas/bin/dashboard.sh`;
      expect((await onHost(fleet, paas, `${dashboard} restart esb`)).code).to.equal(0);
      expect((await onHost(fleet, paas, `${dashboard} restart`)).code).to.equal(2);
      expect((await onHost(fleet, paas, `${dashboard} reload all`)).code).to.equal(2);
      expect(readFileSync(join(paas.root, "logs/dashboard.log"), "utf8")).to.equal("restart esb\n");
    } finally {
      await fleet.stop();
    }
  });

  it("services doctor reads: each PaaS module's healthz on its port (404 elsewhere), the pip index, getent from the host's /etc/hosts, a MariaDB with the agents' grants; stop() leaves none running", async function () {
    if (!existsSync(MARIADBD)) this.skip();
    const fleet = await startFleet({ hosts: 5, dir, backend: "sshd", generation: "ce6", mysql: true });
    const record = recordOf(fleet);
    try {
      const paas = hostWith(fleet, "paas");
      expect(Object.keys(paas.paasPorts ?? {})).to.deep.equal(["appengine", "paas", "esb", "login", "console"]);
      const login = paas.paasPorts?.login ?? 0;
      expect(readFileSync(join(paas.root, "etc/uwsgi-open_paas-login.ini"), "utf8")).to.include(`http = 127.0.0.1:${login}\n`);
      expect(await (await fetch(`http://127.0.0.1:${login}/healthz/`)).json()).to.deep.equal({ ok: true, "code:": "1302000", message: "OK", data: { settings: "ok", database: "ok" } });
      expect((await fetch(`http://127.0.0.1:${login}/nope/`)).status).to.equal(404);
      const agent = hostWith(fleet, "appo");
      const config = readFileSync(join(agent.root, "etc/paas_agent_config.yaml"), "utf8");
      expect(config).to.include(`CONTROLLER_SERVER_URL: 'http://paas.service.consul:${agent.frontPort ?? 0}'`).and.include(`PYTHON_PIP: '${agent.pipIndex ?? ""}'`);
      expect((await fetch(agent.pipIndex ?? "")).status).to.equal(200);
      expect((await onHost(fleet, agent, "getent hosts paas.service.consul")).out).to.equal("127.0.0.1       paas.bktencent.com paas.service.consul\n");
      const mysql = hostWith(fleet, "mysql");
      expect(readFileSync(fleet.inventoryFile, "utf8")).to.include(`"mysql_socket":"${mysql.mysqlSocket ?? ""}"`);
      const grants = await onHost(fleet, mysql, `mysql -S ${mysql.mysqlSocket ?? ""} -u root -N -B -e "SHOW GRANTS FOR 'paas'@'127.0.0.1'"`);
      expect(grants.out).to.match(/^GRANT ALL PRIVILEGES ON \*\.\* TO `paas`@`127\.0\.0\.1`/);
      expect(record.daemons.map((d) => d.kind).sort()).to.include.members(["healthz", "mariadb", "pip-index"]);
    } finally {
      await fleet.stop();
    }
    expect(record.pids.filter(isAlive)).to.deep.equal([]);
  });

  it("mixed: at least three generations, each host detected from its files as the one it is; no bk_generation in the inventory", async () => {
    const fleet = await startFleet({ hosts: 5, dir, backend: "sshd", generation: "mixed" });
    try {
      expect(new Set(fleet.hosts.map((h) => h.generation)).size).to.be.at.least(3);
      for (const h of fleet.hosts) {
        const d = detectGeneration(markerPaths(() => h.root, h.sysroot), localMarkers);
        expect(d.kind === "found" ? d.generation : d.kind, h.name).to.equal(h.generation);
      }
      const text = readFileSync(fleet.inventoryFile, "utf8");
      expect(text).not.to.include("bk_generation");
      expect(text).not.to.include("nginx_reload");
      expect(recordOf(fleet).generation).to.equal("mixed");
    } finally {
      await fleet.stop();
    }
  });
});
