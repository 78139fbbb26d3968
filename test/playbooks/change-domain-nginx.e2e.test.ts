import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "yaml";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay, reportOf } from "../support/cli.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const playbooks = join(import.meta.dirname, "../../../playbooks");

/** GET / on the nginx port with a Host header: status and body. */
function get(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time: a reload closes the idle keep-alive sockets of the old workers.
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false, headers: { Host: host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => { resolve(`${res.statusCode ?? 0} ${body.trim()}`); });
    });
    req.on("error", reject).end();
  });
}

describe("playbook change-domain against a real nginx (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(5, "sshd");
  let nginxPort = 0;
  let upstream: Server | undefined;
  let nginx: Daemon | undefined;
  const host = (): { name: string; root: string } => f.fleet().hosts.find((h) => h.roles.includes("nginx")) ?? { name: "", root: "" };
  const paasConf = (): string => join(host().root, "etc/nginx/paas.conf");
  const mainConf = (): string => join(f.dir(), "nginx.conf");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const run = (playbook: string, ...args: string[]): ReturnType<typeof bkplay> =>
    bkplay(["run", playbook, "-i", inv(), "--backup-dir", join(f.dir(), "backups"), "--json", ...args]);
  /** Polls until nginx answers `want` for `name` (a reload swaps workers asynchronously). */
  const served = async (name: string, want: string): Promise<string> => {
    let got = await get(nginxPort, name);
    for (let i = 0; i < 100 && got !== want; i++) {
      await sleep(50);
      got = await get(nginxPort, name);
    }
    return got;
  };

  before(async () => {
    const [port = 0, paasPort = 0] = await reservePorts(2);
    nginxPort = port;
    upstream = createServer((_req, res) => res.end("paas\n")).listen(paasPort, "127.0.0.1");
    // The sandbox paas.conf as a real nginx serves it: on a free port, its PaaS upstream a live server.
    const conf = readFileSync(paasConf(), "utf8");
    writeFileSync(paasConf(), conf.replace("listen 80;", `listen 127.0.0.1:${port};`).replace("server 127.0.0.1:8001 ", `server 127.0.0.1:${paasPort} `));
    // A default server answers names paas.conf does not serve, so server_name decides who answers.
    writeFileSync(mainConf(), `pid ${f.dir()}/nginx.pid;\nerror_log ${f.dir()}/nginx-error.log;\nevents {}\nhttp {\n  access_log off;\n` +
      `  server { listen 127.0.0.1:${port} default_server; return 404 "default"; }\n  include ${paasConf()};\n}\n`);
    nginx = await startDaemon("nginx", ["-c", mainConf(), "-g", "daemon off;"], port);
  });
  after(async () => {
    await nginx?.stop();
    upstream?.close();
  });

  it("serves the new name from the PaaS server block after apply; the old name is no longer its server_name", async () => {
    expect(await get(nginxPort, "paas.bk.com")).to.equal("200 paas");
    expect(await get(nginxPort, "paas.example.com")).to.equal("404 default");
    const r = await run("change-domain", "-e", "new_domain=paas.example.com", "-e", `nginx_reload=nginx -c ${mainConf()} -s reload`);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const report = reportOf(r);
    const steps = report.hosts.find((h) => h.host === host().name)?.steps ?? [];
    expect(steps.map((s) => `${s.handler ? "handler " : ""}${s.name}: ${s.commands.map((c) => `exit ${c.exitCode}`).join() || s.status}`)).to.deep.equal(["server_name in paas.conf: changed", "handler reload nginx: exit 0"]);
    expect(await served("paas.example.com", "200 paas")).to.equal("200 paas");
    // Old workers drain after a reload and may still accept a connection or two: poll this name as well.
    expect(await served("paas.bk.com", "404 default")).to.equal("404 default");
    expect(readFileSync(paasConf(), "utf8")).to.match(/^\s*server_name paas\.example\.com paas\.service\.consul;$/m);
  });

  for (const bad of ["a;b.example.com", "x}.example.com", "paas.example.com; include /etc/shadow"]) {
    it(`refuses new_domain ${JSON.stringify(bad)} by the schema (exit 2), touching no host`, async () => {
      const before = snapshotTree(join(f.dir(), "hosts"));
      const r = await run("change-domain", "-e", `new_domain=${bad}`);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/new_domain/);
      expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
    });
  }

  // No hostname the schema admits makes nginx reject server_name, so an invalid directive goes through the
  // same path: a replace in the live paas.conf validated by change-domain's own nginx_test.
  it("a candidate nginx -t rejects is refused; the live paas.conf stays byte-identical and nginx keeps serving", async () => {
    const fixture = join(f.dir(), "invalid-directive.yaml");
    writeFileSync(fixture, [
      "name: invalid-directive",
      "description: an edit nginx -t rejects",
      "vars: { nginx_test: { type: string } }",
      "plays:",
      "  - hosts: nginx",
      "    steps:",
      "      - name: body size",
      "        replace: { file: \"{{paas_root}}/etc/nginx/paas.conf\", regexp: \"^(\\\\s*client_max_body_size\\\\s+)\\\\S+;\", replace: \"$1512q;\", expect: 1, validate: \"{{nginx_test}}\" }",
      "",
    ].join("\n"));
    const changeDomain = parse(readFileSync(join(playbooks, "change-domain.yaml"), "utf8")) as { vars: { nginx_test: { default: string } } };
    const before = readFileSync(paasConf());
    const r = await run(fixture, "-e", `nginx_test=${changeDomain.vars.nginx_test.default}`);
    expect(r.code, r.stderr).to.equal(1);
    const step = (reportOf(r)).hosts.find((h) => h.host === host().name)?.steps[0];
    expect(step?.error).to.match(/validate failed.*"client_max_body_size" directive invalid value/s);
    expect(readFileSync(paasConf()).equals(before)).to.equal(true);
    expect(await get(nginxPort, "paas.example.com")).to.equal("200 paas");
  });
});
