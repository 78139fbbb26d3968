import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { parse } from "yaml";
import { LAYOUTS, PAAS_GENERATIONS as GENERATIONS, placePath, type PaasGeneration as Generation } from "../../src/generations/layouts.js";
import { detectGeneration, markerPaths } from "../../src/generations/markers.js";
import { supervisorPrograms } from "../../src/generations/services.js";
import { NODE_ROLE, SANDBOX_ROLES, writeBkTree, type SandboxRole } from "../../src/sandbox/bk-tree.js";
import { installRoot } from "../../src/sandbox/fleet.js";
import { REAL_NGINX } from "../../src/sandbox/standins/nginx.js";
import { localMarkers } from "../support/marker-reader.js";

/** A host directory (the sysroot) with a tree written in it, as the fleet lays one out. */
function host(generation: Generation): { sysroot: string; root: string; at: (p: string) => string; read: (p: string) => string } {
  const sysroot = mkdtempSync(join(tmpdir(), `bkplay-tree-${generation}-`));
  const root = join(sysroot, LAYOUTS[generation].root);
  const at = (p: string): string => placePath(p, root, sysroot);
  return { sysroot, root, at, read: (p) => readFileSync(at(p), "utf8") };
}

const made: string[] = [];
async function written(generation: Generation, roles: readonly SandboxRole[], index = 0): Promise<ReturnType<typeof host>> {
  const h = host(generation);
  made.push(h.sysroot);
  await writeBkTree(h.root, roles, { generation, sysroot: h.sysroot, index });
  return h;
}
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const detect = (h: { root: string; sysroot: string }): ReturnType<typeof detectGeneration> => detectGeneration(markerPaths(() => h.root, h.sysroot), localMarkers);
const pyCompiles = (file: string): boolean => spawnSync("python3", ["-c", "import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", file]).status === 0;

describe("sandbox trees: each generation detected as itself", () => {
  for (const generation of GENERATIONS) {
    for (const roles of [[...SANDBOX_ROLES], ["paas"], ["appo"], ["nginx"]] as SandboxRole[][]) {
      // The seeds' nginx is an install of its own: nothing of BlueKing's marks such a host.
      if (generation === "oss" && roles.join() === "nginx") continue;
      it(`${generation} [${roles.join(", ")}]: its markers and no other generation's`, async () => {
        const d = detect(await written(generation, roles));
        expect(d.kind === "found" ? d.generation : d).to.equal(generation);
      });
    }
  }

  it("an oss nginx-only host and a mysql host carry no marker", async () => {
    expect(detect(await written("oss", ["nginx"])).kind).to.equal("unknown");
    expect(detect(await written("ce6", ["mysql"])).kind).to.equal("unknown");
  });

  for (const generation of GENERATIONS) {
    it(`${generation}: every file its layout names exists where the layout says`, async () => {
      const h = await written(generation, SANDBOX_ROLES);
      const l = LAYOUTS[generation];
      const paths = [l.paas_settings, l.paas_default, l.login_settings, l.esb_settings, l.esb_components, l.agent_config, ...l.agent_build_scripts, ...(l.nginx_paas_conf === null ? [] : [l.nginx_paas_conf]), ...(l.agent_packages === null ? [] : [l.agent_packages]), l.agent_nginx_conf, l.login_dir, `${l.login_venv}/bin/python`,
        // bk-install makes paas_agent/apps; the agent makes projects/ at the first deploy.
        posix.dirname(l.agent_apps)];
      expect(paths.filter((p) => !existsSync(h.at(p)))).to.deep.equal([]);
      for (const p of [l.paas_settings, l.paas_default, l.login_settings, l.esb_settings]) expect(pyCompiles(h.at(p)), p).to.equal(true);
      for (const p of l.agent_build_scripts) expect(lstatSync(h.at(p)).mode & 0o111, p).to.not.equal(0);
      const agent = parse(h.read(l.agent_config)) as { auth: { sid: string; token: string }; settings: Record<string, unknown>; port: number };
      expect(agent.settings.EXECUTE_TIME_LIMIT).to.equal(300);
      expect(agent.port).to.equal(4245);
      expect(agent.auth.token).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(h.read(l.paas_default)).to.include("\nEVENT_STATE_EXPIRE_SECONDS = 360\n");
    });
  }
});

describe("sandbox trees: BLUEKING.md's values per generation", () => {
  it("oss: public names everywhere, dashboard.sh, a one-line pip install in paas_agent/etc/build/build", async () => {
    const h = await written("oss", SANDBOX_ROLES);
    expect(h.read("open_paas/src/paas/conf/settings_production.py")).to.include("# domain\nPAAS_DOMAIN = 'paas.bk.com'\n");
    expect(h.read("open_paas/src/esb/configs/default.py")).to.include("# host for bk login\nHOST_BK_LOGIN = 'paas.bk.com'\n");
    expect(h.read("paas_agent/etc/paas_agent_config.yaml")).to.include("  CONTROLLER_SERVER_URL: 'http://paas.bk.com' # App Engine地址\n");
    expect(h.read("paas_agent/etc/build/build")).to.match(/^pip install -r requirements\.txt -i \$PYPI_SERVER_URL --trusted-host \$PYPI_SERVER_HOST$/m);
    expect(h.read("open_paas/src/paas/conf/settings_production.py")).not.to.include("EVENT_STATE_EXPIRE_SECONDS");
  });

  it("ce5: paas-ce v5.1 sample values, a port in every other host's PAAS_DOMAIN, the production override of the timeout", async () => {
    const h = await written("ce5", SANDBOX_ROLES);
    const paas = h.read("open_paas/paas/conf/settings_production.py");
    expect(paas).to.include("# domain\nPAAS_DOMAIN = 'paas.bk.com:80'\n").and.include("PAAS_INNER_DOMAIN = ''\nHTTP_SCHEMA = 'http'\n");
    expect(paas).to.include('LOGIN_HOST = "http://127.0.0.1:8003"\n').and.include("\nEVENT_STATE_EXPIRE_SECONDS = 3600\n").and.include("# cookie访问域\nBK_COOKIE_DOMAIN = '.bk.com'\n");
    expect((await written("ce5", ["paas"], 1)).read("open_paas/paas/conf/settings_production.py")).to.include("PAAS_DOMAIN = 'paas.bk.com'\n");
    const esb = h.read("open_paas/esb/configs/default.py");
    expect(esb).to.include("HOST_BK_LOGIN = 'http://127.0.0.1:8003'\n").and.include("PAAS_HOST = 'http://127.0.0.1:8001'\n").and.include("\nHOST_CC = ").and.include("\nHOST_CC_V3 = ");
    expect(esb).not.to.include("HOST_JOB");
    expect(h.read("open_paas/login/conf/default.py")).to.include("\nexcept ImportError, e:\n");
    expect(h.read("open_paas/paas/conf/default.py")).to.match(/[\u4e00-\u9fff]/);
  });

  it("ce5: supervisor programs as the service step reads them, the agent's config linked from its etc/, build scripts' pip lines", async () => {
    const h = await written("ce5", SANDBOX_ROLES);
    expect([...supervisorPrograms(h.read("etc/supervisor-open_paas.conf")).keys()]).to.deep.equal(["paas", "login", "esb", "appengine"]);
    expect([...supervisorPrograms(h.read("etc/supervisor-paas_agent.conf")).keys()]).to.deep.equal(["paas_agent"]);
    expect(readlinkSync(h.at(".envs/open_paas/bin/supervisorctl"))).to.equal("/usr/bin/supervisorctl");
    expect(readlinkSync(h.at("paas_agent/paas_agent/etc/paas_agent_config.yaml"))).to.equal("../../../etc/paas_agent_config.yaml");
    expect(h.read("etc/paas_agent_config.yaml")).to.include("  CONTROLLER_SERVER_URL: 'http://paas.bk.com' # App Engine地址\n").and.include("  USE_PYPI: 'true'\n");
    const pip = (file: string): string[] => h.read(file).split("\n").filter((l) => l.startsWith("pip install"));
    expect(pip("paas_agent/paas_agent/etc/build/virtualenv/build")).to.deep.equal([
      "pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST",
      "pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST",
    ]);
    expect(pip("paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas")).to.deep.equal([
      "pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST",
      "pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs",
    ]);
    const nginx = h.read("etc/nginx/paas.conf");
    expect(nginx.match(/^server \{$/gm)).to.have.length(1);
    expect(nginx).to.include("    server_name  paas.bk.com paas.service.consul;\n").and.match(/location ~ \^\/t\//).and.match(/location ~ \^\/o\//);
  });

  it("ce6: rendered settings with ports and HTTP_SCHEMA twice, internal esb and agent, docker builder, openresty's two server blocks, systemd units", async () => {
    const h = await written("ce6", SANDBOX_ROLES);
    for (const file of ["open_paas/paas/conf/settings_production.py", "open_paas/login/conf/settings_production.py"]) {
      const text = h.read(file);
      expect(text, file).to.include("PAAS_DOMAIN = 'paas.bktencent.com:80'\n").and.include("\nHTTP_SCHEMA = 'http'\n").and.include('\nHTTP_SCHEMA = HTTP_SCHEMA or "http"\n');
    }
    const esb = h.read("open_paas/esb/conf/settings_production.py");
    expect(esb).to.include("HOST_BK_LOGIN = 'paas.service.consul:80'\n").and.include("PAAS_HOST = 'paas.service.consul:80'\n");
    expect(esb).not.to.include("bktencent.com");
    const agent = h.read("etc/paas_agent_config.yaml");
    expect(agent).to.include("  CONTROLLER_SERVER_URL: 'http://paas.service.consul:80' # App Engine地址\n").and.include("  USE_PYPI: 'true'\n").and.include("\n\njava_settings:\n");
    expect(readlinkSync(h.at("paas_agent/paas_agent/etc/paas_agent_config.yaml"))).to.equal(h.at("etc/paas_agent_config.yaml"));
    expect(h.read("paas_agent/paas_agent/etc/build/docker/builder")).to.match(/\\\n\s+\$\{PYTHON_BIN_PATH\}pip install -r requirements\.txt \\\n\s+-i \$PYPI_SERVER_URL --trusted-host \$PYPI_SERVER_HOST\n/);
    const nginx = h.read("/usr/local/openresty/nginx/conf/conf.d/paas.conf");
    expect(nginx.match(/^\s*server_name\s+(.*);$/gm)).to.deep.equal(["    server_name  paas.bktencent.com;", "    server_name  paas.service.consul;"]);
    expect(nginx.match(/access_log .* main;/g)).to.have.length(2);
    expect(h.read("/usr/local/openresty/nginx/conf/nginx.conf")).to.include("log_format  main");
    for (const m of ["paas", "login", "esb", "appengine", "console", "apigw"]) expect(h.read(`/usr/lib/systemd/system/bk-paas-${m}.service`)).to.include("PartOf=bk-paas.target\n");
    expect(existsSync(h.at("/usr/lib/systemd/system/bk-paas.target"))).to.equal(true);
    expect(h.read("/usr/lib/systemd/system/bk-paasagent.service")).to.include(`ExecStart=${h.root}/paas_agent/paas_agent/bin/paas_agent\n`);
    expect(h.read("/etc/blueking/env/local.env")).to.equal("LAN_IP=127.0.0.1\n");
  });

  it("fake secrets shaped like real ones, the passwords the hardening tests look for", async () => {
    const h = await written("ce5", SANDBOX_ROLES);
    const paas = h.read("open_paas/paas/conf/settings_production.py");
    expect(paas).to.include("'PASSWORD': 'Sandbox#Db9pass'").and.match(/^SECRET_KEY = '[A-Za-z0-9]{50}'$/m).and.match(/^ESB_TOKEN = '[0-9a-f-]{36}'$/m);
    expect(h.read("open_paas/login/conf/settings_production.py")).to.include("PASSWORD = 'Sandbox#Admin1'\n");
    // Stable: a reset host has the same secrets; per host: each agent its own token.
    expect((await written("ce5", SANDBOX_ROLES)).read("open_paas/paas/conf/settings_production.py")).to.equal(paas);
    expect(h.read("etc/paas_agent_config.yaml")).not.to.equal((await written("ce5", ["appo"])).read("etc/paas_agent_config.yaml"));
  });
});

describe("sandbox trees: bkce 7.x nodes, and the GSE agent every bkce host has", () => {
  /** A bkce 7.x node written as the fleet writes one: its install is the GSE agent's prefix. */
  async function node(): Promise<{ sysroot: string; read: (p: string) => string }> {
    const sysroot = mkdtempSync(join(tmpdir(), "bkplay-tree-ce7-"));
    made.push(sysroot);
    await writeBkTree(join(sysroot, installRoot("ce7")), [NODE_ROLE], { generation: "ce7", sysroot });
    return { sysroot, read: (p) => readFileSync(join(sysroot, p), "utf8") };
  }

  it("ce7 [node]: detected as ce7 from agent.conf (a k8s node on 32181, as BKDocs 7.0 sets it), no PaaS tree, /etc/hosts maps bkrepo", async () => {
    const n = await node();
    const d = detectGeneration(markerPaths((g) => join(n.sysroot, LAYOUTS[g].root), n.sysroot), localMarkers);
    expect(d.kind === "found" ? d.generation : d).to.equal("ce7");
    const conf = JSON.parse(n.read("usr/local/gse/agent/etc/agent.conf")) as Record<string, unknown>;
    expect(conf).to.include({ zkhost: "127.0.0.1:32181", ioport: 48533, dataport: 58625, log: "/var/log/gse" });
    expect(conf.zkauth).to.match(/^bkzk:[A-Za-z0-9]{24}$/);
    expect(n.read("usr/local/gse/agent/etc/agent.conf")).to.match(/^\{\n {4}"log": "\/var\/log\/gse",\n/);
    expect(n.read("etc/hosts")).to.include("127.0.0.1 bkrepo.bkce7.bktencent.com\n").and.match(/^127\.0\.0\.1 +localhost localhost\.localdomain\n/);
    for (const g of GENERATIONS) expect(existsSync(join(n.sysroot, LAYOUTS[g].root)), LAYOUTS[g].root).to.equal(false);
  });

  it("ce5 and ce6 hosts carry node-man's GSE agent too (zookeeper IPs on 2181; zk.service.consul:2181), and are still themselves", async () => {
    for (const [generation, zkhost] of [["ce5", "127.0.0.1:2181"], ["ce6", "zk.service.consul:2181"]] as const) {
      const h = await written(generation, ["mysql"]);
      expect((JSON.parse(h.read("/usr/local/gse/agent/etc/agent.conf")) as { zkhost: string }).zkhost).to.equal(zkhost);
      expect(h.read("/usr/local/gse/agent/etc/agent.conf")).not.to.include("zkauth");
      // A mysql host has no PaaS marker: its agent alone does not make it a 7.x node.
      expect(detect(h).kind, generation).to.equal("unknown");
    }
  });
});

describe("sandbox trees: nginx configurations a real nginx accepts", function () {
  before(function () {
    if (!existsSync(REAL_NGINX)) this.skip();
  });
  for (const [generation, nginx] of [["oss", "/usr/local/nginx/sbin/nginx"], ["ce5", "/usr/sbin/nginx"], ["ce6", "/usr/local/openresty/nginx/sbin/nginx"]] as const) {
    it(`${generation}: the host's nginx -t passes; an unknown -s signal is refused`, async () => {
      const h = await written(generation, ["nginx"]);
      const t = spawnSync(h.at(nginx), ["-t"], { encoding: "utf8" });
      expect(t.status, t.stderr).to.equal(0);
      expect(t.stderr).to.include("test is successful");
      expect(spawnSync(h.at(nginx), ["-s", "restart"]).status).to.equal(1);
    });
  }

  it("ce6: paas.conf needs nginx.conf's log_format main (alone in an http {} it fails)", async () => {
    const h = await written("ce6", ["nginx"]);
    const conf = join(h.sysroot, "alone.conf");
    writeFileSync(conf, `pid ${h.sysroot}/alone.pid; events {} http { include ${h.at("/usr/local/openresty/nginx/conf/conf.d/paas.conf")}; }\n`);
    const r = spawnSync(REAL_NGINX, ["-q", "-t", "-e", "stderr", "-c", conf], { encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('unknown log format "main"');
  });
});

describe("sandbox trees: reset", () => {
  it("rewrites a changed tree to its bytes, drops strays in the root and the system folders, keeps backups", async () => {
    const h = await written("ce6", SANDBOX_ROLES);
    const file = h.at("/usr/local/openresty/nginx/conf/conf.d/paas.conf");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, "changed");
    writeFileSync(h.at("stray"), "x");
    writeFileSync(h.at("/usr/lib/systemd/system/stray.service"), "x");
    execFileSync("mkdir", ["-p", join(h.sysroot, "var/tmp/bkplay")]);
    writeFileSync(join(h.sysroot, "var/tmp/bkplay/backup"), "kept");
    await writeBkTree(h.root, SANDBOX_ROLES, { generation: "ce6", sysroot: h.sysroot });
    expect(readFileSync(file, "utf8")).to.equal(original);
    expect(existsSync(h.at("stray"))).to.equal(false);
    expect(existsSync(h.at("/usr/lib/systemd/system/stray.service"))).to.equal(false);
    expect(readFileSync(join(h.sysroot, "var/tmp/bkplay/backup"), "utf8")).to.equal("kept");
  });

  it("refuses to write a tree whose sysroot is the machine's /", async () => {
    let error: unknown;
    await writeBkTree("/data/bkce", ["paas"]).catch((e: unknown) => { error = e; });
    expect(String(error)).to.match(/sysroot other than \//);
  });
});
