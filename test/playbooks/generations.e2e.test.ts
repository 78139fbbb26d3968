import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import type { RunReport } from "../../src/engine/results.js";
import { daemonsOf, stopDaemons, type RunningDaemon } from "../../src/sandbox/daemons/host-daemons.js";
import { startSupervisord } from "../../src/sandbox/daemons/supervisord.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { bkplay } from "../support/cli.js";
import { useFleet, writeInventory, type InventoryTweaks } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { answer, answerOnceSettled, changedHosts, edited, logOf, notOk, pidsOf, proxyPaasTo, readAll, restarted, runJson, standInPaas, treeChanges, warningsOf } from "./sandbox-checks.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");
const GENERATIONS: readonly Generation[] = ["ce5", "ce6", "oss"];
const OPEN_PAAS = ["paas", "login", "esb", "appengine"];
const NEW = "new_domain=paas.example.com";

/** Where each generation keeps things (README, "Generations"): under the host's root, or (`/…`) its sysroot. */
const LAYOUT = {
  oss: {
    paasSettings: "open_paas/src/paas/conf/settings_production.py",
    paasDefault: "open_paas/src/paas/conf/default.py",
    loginSettings: "open_paas/src/login/conf/settings_production.py",
    esbSettings: "open_paas/src/esb/configs/default.py",
    esbVenv: "open_paas/Envs/esb",
    components: "open_paas/src/esb/components",
    agentConfig: "paas_agent/etc/paas_agent_config.yaml",
    builds: ["paas_agent/etc/build/build"],
    // No standard place (the operator gives it): the sandbox's nginx install keeps it under nginx's own prefix.
    nginxConf: "/usr/local/nginx/conf/paas.conf",
  },
  ce5: {
    paasSettings: "open_paas/paas/conf/settings_production.py",
    paasDefault: "open_paas/paas/conf/default.py",
    loginSettings: "open_paas/login/conf/settings_production.py",
    esbSettings: "open_paas/esb/configs/default.py",
    esbVenv: ".envs/esb",
    components: "open_paas/esb/components",
    agentConfig: "etc/paas_agent_config.yaml",
    builds: ["paas_agent/paas_agent/etc/build/virtualenv/build", "paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas"],
    nginxConf: "etc/nginx/paas.conf",
  },
  ce6: {
    paasSettings: "open_paas/paas/conf/settings_production.py",
    paasDefault: "open_paas/paas/conf/default.py",
    loginSettings: "open_paas/login/conf/settings_production.py",
    esbSettings: "open_paas/esb/conf/settings_production.py",
    esbVenv: ".envs/open_paas-esb",
    components: "open_paas/esb/components",
    agentConfig: "etc/paas_agent_config.yaml",
    builds: ["paas_agent/paas_agent/etc/build/docker/builder", "paas_agent/paas_agent/etc/build/docker/saas/builder"],
    nginxConf: "/usr/local/openresty/nginx/conf/conf.d/paas.conf",
  },
} as const satisfies Record<Generation, unknown>;

/** The marker files of each generation (README, "Generations"). */
const MARKERS: Record<Generation, readonly string[]> = {
  oss: ["open_paas/src", "open_paas/bin/dashboard.sh", "paas_agent/bin/dashboard.sh"],
  ce5: ["etc/supervisor-open_paas.conf", "paas_agent/paas_agent/etc/build/virtualenv/build", "etc/nginx/paas.conf"],
  ce6: ["/etc/blueking/env", "/usr/lib/systemd/system/bk-paas.target", "/usr/lib/systemd/system/bk-paasagent.service", "open_paas/esb/conf/settings_production.py", "paas_agent/paas_agent/etc/build/docker/builder"],
};

/** What the sandbox's stand-ins record under `<root>/logs/`: dashboard.sh (oss), systemctl (ce6), and any call of the agent binary (never made). */
const STAND_IN_LOGS: Record<Generation, readonly [file: string, what: string][]> = {
  oss: [["dashboard.log", "open_paas dashboard.sh"], ["paas_agent.log", "paas_agent dashboard.sh"]],
  ce5: [["paas_agent.log", "paas_agent binary"]],
  ce6: [["systemctl.log", "systemctl"], ["paas_agent.log", "paas_agent binary"]],
};

const at = (h: SandboxHost, path: string): string => (path.startsWith("/") ? join(h.sysroot, path) : join(h.root, path));
const isAgent = (h: SandboxHost): boolean => h.roles.includes("appo") || h.roles.includes("appt");
const names = (hosts: readonly SandboxHost[]): string[] => hosts.map((h) => h.name);
const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("generations: the shipped playbooks on three installs side by side (sshd, mixed fleet: ce5, ce6, oss)", function () {
  this.timeout(120_000);
  // Daemons a test started in place of the fleet's: stopped after every test of the fleet has run.
  const started: RunningDaemon[] = [];
  after(() => stopDaemons(started, f.dir()));
  const f = useFleet(6, "sshd", "mixed");
  const installOf = (g: Generation): SandboxHost[] => f.fleet().hosts.filter((h) => h.generation === g);
  const withRole = (g: Generation, role: string): SandboxHost[] => installOf(g).filter((h) => h.roles.includes(role as never));
  const the = (g: Generation, role: string): SandboxHost => {
    const [h] = withRole(g, role);
    if (!h) throw new Error(`the ${g} install has no ${role} host`);
    return h;
  };
  const agentsOf = (g: Generation): SandboxHost[] => installOf(g).filter(isAgent);
  const inventoryOf = (g: Generation, tweaks?: InventoryTweaks): string => writeInventory({ ...f.fleet(), hosts: installOf(g) }, join(f.dir(), `${g}-hosts.yaml`), tweaks);
  const fleetInventory = (): string => writeInventory(f.fleet(), join(f.dir(), "fleet-hosts.yaml"));
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
  const supervisorConf = (h: SandboxHost, name: string): string => join(h.root, `etc/supervisor-${name}.conf`);

  /** supervisord programs of a ce5 install, as `<host> <program>` → pid. */
  const ce5Pids = (): Record<string, number> => Object.fromEntries(installOf("ce5").flatMap((h) => [
    ...(h.roles.includes("paas") ? Object.entries(pidsOf(supervisorConf(h, "open_paas"), OPEN_PAAS)) : []),
    ...(isAgent(h) ? Object.entries(pidsOf(supervisorConf(h, "paas_agent"), ["paas_agent"])) : []),
  ].map(([program, pid]) => [`${h.name} ${program}`, pid])));

  /**
   * Watches install g's services from now on; the returned function lists what restarted since, one line each:
   * `<host> <program>: restarted` (a new pid under supervisord, ce5), or a call a stand-in accepted and logged.
   */
  function watchRestarts(g: Generation): () => string[] {
    const logs = installOf(g).flatMap((h) => STAND_IN_LOGS[g].map(([file, what]) => ({ host: h.name, path: join(h.root, "logs", file), what })));
    const seen = logs.map((l) => logOf(l.path));
    const pids = g === "ce5" ? ce5Pids() : {};
    return () => [
      ...(g === "ce5" ? restarted(pids, ce5Pids()).map((p) => `${p}: restarted`) : []),
      ...logs.flatMap((l, i) => logOf(l.path).slice(seen[i]?.length ?? 0).split("\n").filter(Boolean).map((line) => `${l.host} ${l.what}: ${line}`)),
    ].sort();
  }

  /**
   * The contract of every playbook on every host: --check writes nothing (bytes and mtimes) and would change
   * exactly `changes`; apply changes them (`verify` checks how) and restarts exactly `restarts`; the same run
   * again does nothing: no step changes, no file is touched, nothing restarts.
   */
  async function converges(g: Generation, o: { playbook: string; inventory: string; args: string[]; changes: SandboxHost[]; restarts: string[]; verify: (r: RunReport) => void | Promise<void> }): Promise<void> {
    const fresh = snapshot();
    const watch = watchRestarts(g);
    const check = await runJson(o.playbook, o.inventory, ...o.args, "--check");
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(changedHosts(check.report)).to.have.members(names(o.changes));
    expect(treeChanges(fresh, snapshot())).to.deep.equal([]);
    expect(watch()).to.deep.equal([]);

    const applied = await runJson(o.playbook, o.inventory, ...o.args);
    expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
    expect(changedHosts(applied.report)).to.have.members(names(o.changes));
    expect(applied.report.hosts.map((h) => `${h.host} ${h.generation?.name ?? "-"}`)).to.deep.equal(applied.report.hosts.map((h) => `${h.host} ${g}`));
    expect(watch()).to.deep.equal([...o.restarts].sort());
    await o.verify(applied.report);

    const settled = snapshot();
    const quiet = watchRestarts(g);
    const again = await runJson(o.playbook, o.inventory, ...o.args);
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(notOk(again.report)).to.deep.equal([]);
    expect(treeChanges(settled, snapshot())).to.deep.equal([]);
    expect(quiet()).to.deep.equal([]);
  }

  /** Runs expected to be refused before any change: exit 1 and every host's files as they were. */
  async function refusedUnchanged(args: string[]): Promise<string> {
    const before = snapshot();
    const r = await bkplay(args);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
    return r.stdout + r.stderr;
  }

  beforeEach(() => f.reset());

  describe("change-domain", () => {
    let paas: Awaited<ReturnType<typeof standInPaas>> | undefined;
    before(async () => { paas = await standInPaas(); });
    after(() => paas?.close());
    /** The install's nginx host, proxying PaaS to the stand-in and serving the old name. */
    async function nginxOf(g: Generation): Promise<{ host: SandboxHost; port: number; conf: string }> {
      const host = the(g, "nginx");
      const conf = at(host, LAYOUT[g].nginxConf);
      proxyPaasTo(conf, host.sysroot, paas?.port ?? 0);
      const port = host.nginxPort ?? 0;
      expect(await answerOnceSettled(port, "paas.bk.com", "200 paas")).to.equal("200 paas");
      expect(await answer(port, "paas.example.com")).to.equal("404");
      return { host, port, conf };
    }

    it("a run over the whole fleet is refused: its installs serve different domains (hosts disagree on 'old_domain'), nothing written", async () => {
      const out = await refusedUnchanged(["run", "change-domain", "-i", fleetInventory(), "-e", NEW]);
      expect(out).to.include("hosts disagree on 'old_domain'").and.include(`"paas.bktencent.com" on ${the("ce6", "paas").name}`);
    });

    it("ce5: PAAS_DOMAIN keeps its :80, ESB's internal HOST_BK_LOGIN is left (and listed), nginx serves the new name, agents keep the scheme; restarts through supervisord", async () => {
      const nginx = await nginxOf("ce5");
      const paasHost = the("ce5", "paas");
      const files = [LAYOUT.ce5.paasSettings, LAYOUT.ce5.loginSettings, LAYOUT.ce5.esbSettings].map((p) => at(paasHost, p));
      const agentConfigs = agentsOf("ce5").map((h) => at(h, LAYOUT.ce5.agentConfig));
      const before = readAll([...files, ...agentConfigs, nginx.conf]);
      const [paasSettings = "", loginSettings = "", esbSettings = ""] = files;
      await converges("ce5", {
        playbook: "change-domain", inventory: inventoryOf("ce5"), args: ["-e", NEW],
        changes: installOf("ce5"),
        restarts: [`${paasHost.name} paas: restarted`, `${paasHost.name} login: restarted`, ...agentsOf("ce5").map((h) => `${h.name} paas_agent: restarted`)],
        verify: async (r) => {
          expect(readFileSync(paasSettings, "utf8")).to.equal(edited(before.get(paasSettings) ?? "", ["PAAS_DOMAIN = 'paas.bk.com:80'", "PAAS_DOMAIN = 'paas.example.com:80'"], ["BK_COOKIE_DOMAIN = '.bk.com'", "BK_COOKIE_DOMAIN = '.example.com'"]));
          expect(readFileSync(loginSettings, "utf8")).to.equal(edited(before.get(loginSettings) ?? "", ["BK_COOKIE_DOMAIN = '.bk.com'", "BK_COOKIE_DOMAIN = '.example.com'"]));
          expect(readFileSync(esbSettings, "utf8")).to.equal(before.get(esbSettings));
          expect(warningsOf(r, paasHost.name).join("\n")).to.include("left: internal HOST_BK_LOGIN = http://127.0.0.1:8003");
          for (const c of agentConfigs) expect(readFileSync(c, "utf8"), c).to.equal(edited(before.get(c) ?? "", ["CONTROLLER_SERVER_URL: 'http://paas.bk.com:", "CONTROLLER_SERVER_URL: 'http://paas.example.com:"]));
          expect(readFileSync(nginx.conf, "utf8")).to.equal(edited(before.get(nginx.conf) ?? "", ["server_name  paas.bk.com paas.service.consul;", "server_name  paas.example.com paas.service.consul;"]));
          expect(await answerOnceSettled(nginx.port, "paas.example.com", "200 paas")).to.equal("200 paas");
          expect(await answerOnceSettled(nginx.port, "paas.bk.com", "404")).to.equal("404");
        },
      });
    });

    it("ce6: refused before any change on every host, naming bk-install's bin/change_bk_domain.sh", async () => {
      const before = snapshot();
      const watch = watchRestarts("ce6");
      const r = await runJson("change-domain", inventoryOf("ce6"), "-e", NEW);
      expect(r.code).to.equal(1);
      for (const h of installOf("ce6")) {
        const host = r.report.hosts.find((x) => x.host === h.name);
        expect(host?.status, h.name).to.equal("failed");
        expect(host?.error, h.name).to.include("bin/change_bk_domain.sh").and.include("Nothing was changed");
      }
      expect(treeChanges(before, snapshot())).to.deep.equal([]);
      expect(watch()).to.deep.equal([]);
    });

    it("oss: refused without -e nginx_conf (nothing written); with it, ESB's public HOST_BK_LOGIN moves too, nginx serves the new name, restarts through dashboard.sh", async () => {
      const nginx = await nginxOf("oss");
      const out = await refusedUnchanged(["run", "change-domain", "-i", inventoryOf("oss"), "-e", NEW]);
      expect(out).to.include(`${nginx.host.name}:`).and.include("pass -e nginx_conf=/path/to/paas.conf");

      const paasHost = the("oss", "paas");
      const [paasSettings = "", loginSettings = "", esbSettings = ""] = [LAYOUT.oss.paasSettings, LAYOUT.oss.loginSettings, LAYOUT.oss.esbSettings].map((p) => at(paasHost, p));
      const agentConfigs = agentsOf("oss").map((h) => at(h, LAYOUT.oss.agentConfig));
      const before = readAll([paasSettings, loginSettings, esbSettings, ...agentConfigs, nginx.conf]);
      await converges("oss", {
        playbook: "change-domain", inventory: inventoryOf("oss"), args: ["-e", NEW, "-e", `nginx_conf=${nginx.conf}`],
        changes: installOf("oss"),
        restarts: [
          ...["paas", "login", "esb"].map((m) => `${paasHost.name} open_paas dashboard.sh: restart ${m}`),
          ...agentsOf("oss").map((h) => `${h.name} paas_agent dashboard.sh: restart all`),
        ],
        verify: async () => {
          expect(readFileSync(paasSettings, "utf8")).to.equal(edited(before.get(paasSettings) ?? "", ["PAAS_DOMAIN = 'paas.bk.com'", "PAAS_DOMAIN = 'paas.example.com'"], ["BK_COOKIE_DOMAIN = '.bk.com'", "BK_COOKIE_DOMAIN = '.example.com'"]));
          expect(readFileSync(loginSettings, "utf8")).to.equal(edited(before.get(loginSettings) ?? "", ["BK_COOKIE_DOMAIN = '.bk.com'", "BK_COOKIE_DOMAIN = '.example.com'"]));
          expect(readFileSync(esbSettings, "utf8")).to.equal(edited(before.get(esbSettings) ?? "", ["HOST_BK_LOGIN = 'paas.bk.com'", "HOST_BK_LOGIN = 'paas.example.com'"]));
          for (const c of agentConfigs) expect(readFileSync(c, "utf8"), c).to.equal(edited(before.get(c) ?? "", ["CONTROLLER_SERVER_URL: 'http://paas.bk.com:", "CONTROLLER_SERVER_URL: 'http://paas.example.com:"]));
          expect(readFileSync(nginx.conf, "utf8")).to.equal(edited(before.get(nginx.conf) ?? "", ["server_name  paas.bk.com;", "server_name  paas.example.com;"]));
          expect(await answerOnceSettled(nginx.port, "paas.example.com", "200 paas")).to.equal("200 paas");
          expect(await answerOnceSettled(nginx.port, "paas.bk.com", "404")).to.equal("404");
        },
      });
    });
  });

  describe("raise-deploy-timeout", () => {
    /** What each install restarts: its agents, then paas (handlers in declaration order). */
    const RESTARTS: Record<Generation, () => string[]> = {
      ce5: () => [...agentsOf("ce5").map((h) => `${h.name} paas_agent: restarted`), `${the("ce5", "paas").name} paas: restarted`],
      ce6: () => installOf("ce6").flatMap((h) => [
        ...(isAgent(h) ? [`${h.name} systemctl: restart bk-paasagent.service`] : []),
        ...(h.roles.includes("paas") ? [`${h.name} systemctl: restart bk-paas-paas.service`] : []),
      ]),
      oss: () => [...agentsOf("oss").map((h) => `${h.name} paas_agent dashboard.sh: restart all`), `${the("oss", "paas").name} open_paas dashboard.sh: restart paas`],
    };
    /** settings_production.py after the run: the override edited (ce5, ce6 ship one), else one added at the end (oss). */
    const SETTINGS: Record<Generation, (before: string) => string> = {
      ce5: (t) => edited(t, ["EVENT_STATE_EXPIRE_SECONDS = 3600\n", "EVENT_STATE_EXPIRE_SECONDS = 960\n"]),
      ce6: (t) => edited(t, ["EVENT_STATE_EXPIRE_SECONDS = 3600\n", "EVENT_STATE_EXPIRE_SECONDS = 960\n"]),
      oss: (t) => `${t}EVENT_STATE_EXPIRE_SECONDS = 960\n`,
    };

    for (const g of GENERATIONS) {
      it(`${g}: EXECUTE_TIME_LIMIT on the agents, EVENT_STATE_EXPIRE_SECONDS in settings_production.py (default.py untouched), restarts as ${g} does`, async () => {
        const paasHost = the(g, "paas");
        const agentConfigs = agentsOf(g).map((h) => at(h, LAYOUT[g].agentConfig));
        const [settings = "", shipped = ""] = [LAYOUT[g].paasSettings, LAYOUT[g].paasDefault].map((p) => at(paasHost, p));
        const before = readAll([...agentConfigs, settings, shipped]);
        await converges(g, {
          playbook: "raise-deploy-timeout", inventory: inventoryOf(g), args: ["-e", "agent_timeout=900"],
          changes: [...new Set([paasHost, ...agentsOf(g)])],
          restarts: RESTARTS[g](),
          verify: (r) => {
            for (const c of agentConfigs) expect(readFileSync(c, "utf8"), c).to.equal(edited(before.get(c) ?? "", ["EXECUTE_TIME_LIMIT: 300\n", "EXECUTE_TIME_LIMIT: 900\n"]));
            expect(readFileSync(settings, "utf8")).to.equal(SETTINGS[g](before.get(settings) ?? ""));
            expect(readFileSync(shipped, "utf8")).to.equal(before.get(shipped));
            execFileSync("python3", ["-m", "py_compile", settings]);
            const warned = warningsOf(r, paasHost.name).some((w) => w.includes("bkcli render paas"));
            expect(warned, "the bkcli render warning").to.equal(g === "ce6");
          },
        });
      });
    }

    it("ce6: the recap warns that bkcli render paas undoes the edit", async () => {
      const r = await bkplay(["run", "raise-deploy-timeout", "-i", inventoryOf("ce6"), "-e", "agent_timeout=900", "--check"]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const recap = r.stdout.slice(r.stdout.indexOf("CHECK"));
      expect(recap).to.match(new RegExp(`WARNINGS\\n\\s+! \\[${the("ce6", "paas").name}\\] [^\\n]*bkcli render paas`));
    });
  });

  describe("sync-login-settings", () => {
    it("a run over the whole fleet is refused: its PaaS hosts run different generations (login's file is taken from the first, a ce5 host), nothing written", async () => {
      const source = the("ce5", "paas").name;
      const out = await refusedUnchanged(["run", "sync-login-settings", "-i", fleetInventory()]);
      for (const g of ["ce6", "oss"] as const) expect(out).to.include(`${the(g, "paas").name}: failed — ${source} runs ce5 and this host ${g}: a file is only taken from a host of the same generation`);
    });
  });

  describe("offline-pip-mirror", () => {
    const wheels = (): string => join(f.dir(), "wheels");
    before(function () {
      this.timeout(60_000);
      execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "bk_tiny_saas_dep", "1.0.0"]);
      execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "uwsgi", "2.0.13.1"]);
    });
    const ONLINE = "-i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST\n";
    const mirror = (h: SandboxHost): string => join(h.root, "paas_agent/pkg/python_pkgs");
    const offline = (h: SandboxHost): string => `--no-index --find-links=${mirror(h)}\n`;
    /** Per generation: where the packages go, each build script (or config) as it must read after the run, and the restarts. */
    const EXPECT: Record<Generation, { packages: (h: SandboxHost) => string; after: (h: SandboxHost) => Record<string, (t: string) => string>; restarts: () => string[] }> = {
      ce5: {
        packages: mirror,
        after: (h) => ({
          [LAYOUT.ce5.builds[0]]: (t) => edited(t, [`pip install uwsgi==2.0.13.1 ${ONLINE}`, `pip install uwsgi==2.0.13.1 ${offline(h)}`], [`pip install -r requirements.txt ${ONLINE}`, `pip install -r requirements.txt ${offline(h)}`]),
          // S-mart's own --find-links (the package's wheels) is kept as it is.
          [LAYOUT.ce5.builds[1]]: (t) => edited(t, [`pip install uwsgi==2.0.13.1 ${ONLINE}`, `pip install uwsgi==2.0.13.1 ${offline(h)}`], ["pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs\n", "pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs\n"]),
          [LAYOUT.ce5.agentConfig]: (t) => t,
        }),
        restarts: () => [],
      },
      oss: {
        packages: mirror,
        after: (h) => ({
          [LAYOUT.oss.builds[0]]: (t) => edited(t, [`pip install -r requirements.txt ${ONLINE}`, `pip install -r requirements.txt ${offline(h)}`]),
          [LAYOUT.oss.agentConfig]: (t) => t,
        }),
        restarts: () => [],
      },
      ce6: {
        packages: (h) => join(h.root, "paas_agent/support-files/pkgs"),
        after: () => ({
          [LAYOUT.ce6.builds[0]]: (t) => t,
          [LAYOUT.ce6.builds[1]]: (t) => t,
          [LAYOUT.ce6.agentConfig]: (t) => edited(t, ["USE_PYPI: 'true'", "USE_PYPI: 'false'"]),
        }),
        restarts: () => agentsOf("ce6").map((h) => `${h.name} systemctl: restart bk-paasagent.service`),
      },
    };

    for (const g of GENERATIONS) {
      it(`${g}: ${g === "ce6" ? "USE_PYPI 'false', packages in support-files/pkgs, the agent restarted" : `packages unpacked into the mirror, ${LAYOUT[g].builds.length} build script(s) offline, nothing restarted`}`, async () => {
        const agents = agentsOf(g);
        const files = agents.flatMap((h) => Object.entries(EXPECT[g].after(h)).map(([path, after]) => ({ path: at(h, path), after })));
        const before = readAll(files.map((x) => x.path));
        await converges(g, {
          playbook: "offline-pip-mirror", inventory: inventoryOf(g), args: ["-e", `packages=${wheels()}`],
          changes: agents,
          restarts: EXPECT[g].restarts(),
          verify: (r) => {
            for (const { path, after } of files) expect(readFileSync(path, "utf8"), path).to.equal(after(before.get(path) ?? ""));
            for (const h of agents) expect(readdirSync(EXPECT[g].packages(h)).filter((n) => n.endsWith(".whl")).sort(), h.name).to.deep.equal(readdirSync(wheels()).sort());
            if (g === "ce6") for (const h of agents) expect(warningsOf(r, h.name).join("\n")).to.include("install_paasagent.sh");
          },
        });
      });
    }
  });

  describe("esb-add-component-deps", () => {
    const wheels = (): string => join(f.dir(), "esb-wheels");
    const LEVELS = ["custom", "custom/apis", "custom/apis/my_system"];
    const args = (): string[] => ["-e", "packages=bk_tiny_esb_dep==1.0.0", "-e", `find_links=${wheels()}`, "-e", "component_path=custom/apis/my_system"];
    const venvOf = (g: Generation): string => at(the(g, "paas"), LAYOUT[g].esbVenv);
    const makeVenvs = (): void => { for (const g of GENERATIONS) execFileSync("sh", [join(python, "quick-venv.sh"), venvOf(g)]); };
    before(function () {
      this.timeout(60_000);
      execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "bk_tiny_esb_dep", "1.0.0"]);
    });
    const RESTARTS: Record<Generation, () => string> = {
      ce5: () => `${the("ce5", "paas").name} esb: restarted`,
      ce6: () => `${the("ce6", "paas").name} systemctl: restart bk-paas-esb.service`,
      oss: () => `${the("oss", "paas").name} open_paas dashboard.sh: restart esb`,
    };

    for (const g of GENERATIONS) {
      it(`${g}: installs with the pip of ${LAYOUT[g].esbVenv}, makes the component path packages, restarts ESB as ${g} does`, async () => {
        makeVenvs();
        const paasHost = the(g, "paas");
        await converges(g, {
          playbook: "esb-add-component-deps", inventory: inventoryOf(g), args: args(),
          changes: [paasHost],
          restarts: [RESTARTS[g]()],
          verify: () => {
            // -B: no __pycache__ in the host's tree, which the re-run's snapshot compares.
            const version = execFileSync(join(venvOf(g), "bin/python"), ["-B", "-c", "import bk_tiny_esb_dep; print(bk_tiny_esb_dep.VERSION)"], { encoding: "utf8" });
            expect(version.trim()).to.equal("1.0.0");
            for (const level of LEVELS) expect(existsSync(join(at(paasHost, LAYOUT[g].components), level, "__init__.py")), level).to.equal(true);
          },
        });
      });
    }

    it("the fleet gate: one host that cannot restart ESB (no [program:esb]) means no host of the fleet changes; --partial applies the others", async () => {
      makeVenvs();
      const ce5 = the("ce5", "paas");
      const conf = supervisorConf(ce5, "open_paas");
      const text = readFileSync(conf, "utf8");
      const section = /\[program:esb\]\n(?:[^[\n].*\n|\n)*/.exec(text)?.[0] ?? "";
      expect(section).to.include("command =");
      writeFileSync(conf, edited(text, [section, ""]));

      const out = await refusedUnchanged(["run", "esb-add-component-deps", "-i", fleetInventory(), ...args()]);
      expect(out).to.match(new RegExp(`✗ ${ce5.name} .*cannot restart esb on this ce5 host: ${literally(conf)} has no \\[program:esb\\]`));
      expect(out).to.include("REFUSED");

      const ce5Files = snapshotTree(ce5.sysroot);
      const watches = GENERATIONS.map(watchRestarts);
      const partial = await runJson("esb-add-component-deps", fleetInventory(), ...args(), "--partial");
      expect(partial.code).to.equal(1);
      expect(Object.fromEntries(partial.report.hosts.map((h) => [h.host, h.status]))).to.deep.equal({ [ce5.name]: "failed", [the("ce6", "paas").name]: "changed", [the("oss", "paas").name]: "changed" });
      expect(watches.flatMap((w) => w())).to.have.members([RESTARTS.ce6(), RESTARTS.oss()]);
      expect(treeChanges(ce5Files, snapshotTree(ce5.sysroot))).to.deep.equal([]);
    });
  });

  describe("handlers owed", () => {
    it("ce5: a restart that fails after the writes (open_paas' supervisord down) is owed; --check says so, the next run restarts, the third does nothing", async () => {
      const paasHost = the("ce5", "paas");
      const conf = supervisorConf(paasHost, "open_paas");
      const settings = at(paasHost, LAYOUT.ce5.paasSettings);
      const before = readFileSync(settings, "utf8");
      const shutdown = spawnSync("supervisorctl", ["-c", conf, "shutdown"], { encoding: "utf8" });
      expect(shutdown.status, shutdown.stdout + shutdown.stderr).to.equal(0);
      const pidfile = join(paasHost.sysroot, "run/supervisord-open_paas.pid");
      for (let i = 0; i < 200 && existsSync(pidfile); i++) await sleep(50);
      expect(existsSync(pidfile), "supervisord still running").to.equal(false);

      const inventory = inventoryOf("ce5");
      const first = await runJson("raise-deploy-timeout", inventory, "-e", "agent_timeout=900");
      expect(first.code).to.equal(1);
      const failed = first.report.hosts.find((h) => h.host === paasHost.name);
      expect(failed?.steps.filter((s) => s.status === "failed").map((s) => s.name)).to.deep.equal(["restart paas"]);
      expect(readFileSync(settings, "utf8")).to.equal(edited(before, ["EVENT_STATE_EXPIRE_SECONDS = 3600\n", "EVENT_STATE_EXPIRE_SECONDS = 960\n"]));

      const spec = daemonsOf(paasHost).find((d) => d.kind === "supervisord" && d.conf === conf);
      if (spec?.kind !== "supervisord") throw new Error("no open_paas supervisord for the ce5 paas host");
      started.push({ host: paasHost.name, kind: "supervisord", pid: await startSupervisord(spec, false) });
      const up = pidsOf(conf, OPEN_PAAS);

      const files = snapshot();
      const check = await bkplay(["run", "raise-deploy-timeout", "-i", inventory, "-e", "agent_timeout=900", "--check"]);
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(check.stdout).to.include(`pending from run ${first.report.runId}`);
      expect(treeChanges(files, snapshot())).to.deep.equal([]);
      expect(restarted(up, pidsOf(conf, OPEN_PAAS))).to.deep.equal([]);

      const second = await runJson("raise-deploy-timeout", inventory, "-e", "agent_timeout=900");
      expect(second.code, second.stdout + second.stderr).to.equal(0);
      expect(notOk(second.report)).to.deep.equal([`${paasHost.name}: restart paas changed`]);
      expect(JSON.stringify(second.report.hosts.find((h) => h.host === paasHost.name)?.steps.at(-1)?.changes)).to.include(`pending from run ${first.report.runId}`);
      const once = pidsOf(conf, OPEN_PAAS);
      expect(restarted(up, once)).to.deep.equal(["paas"]);

      const third = await runJson("raise-deploy-timeout", inventory, "-e", "agent_timeout=900");
      expect(third.code, third.stdout + third.stderr).to.equal(0);
      expect(notOk(third.report)).to.deep.equal([]);
      expect(restarted(once, pidsOf(conf, OPEN_PAAS))).to.deep.equal([]);
    });
  });

  describe("bkce 7.x's playbooks on 5.x, 6.x and the seeds' layout", () => {
    for (const [playbook, args] of [
      ["gse-agent-zkhost", ["-e", "zkhost=10.0.0.5:32181"]],
      ["bkrepo-hosts", ["-e", "bk_domain=bkce7.bktencent.com", "-e", "ip=10.0.0.9"]],
    ] as const) {
      it(`${playbook}: every host refused before any change, as not a bkce 7.x node (5.x and 6.x hosts have a GSE agent too)`, async () => {
        const before = snapshot();
        const watches = GENERATIONS.map(watchRestarts);
        const r = await runJson(playbook, fleetInventory(), ...args);
        expect(r.code).to.equal(1);
        for (const h of f.fleet().hosts) {
          const host = r.report.hosts.find((x) => x.host === h.name);
          expect(host?.status, h.name).to.equal("failed");
          expect(host?.error, h.name).to.include(`not applicable: this is a ${h.generation} host, not a bkce 7.x node`).and.include("Nothing was changed");
        }
        expect(treeChanges(before, snapshot())).to.deep.equal([]);
        for (const w of watches) expect(w()).to.deep.equal([]);
      });
    }
  });

  describe("generation detection", () => {
    interface Probed { name: string; generation: { name: string; from: string } | null; error?: string }
    const probe = async (inventory: string): Promise<Probed[]> => {
      const r = await bkplay(["inventory", "-i", inventory, "--probe", "--json"]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      return (JSON.parse(r.stdout) as { hosts: Probed[] }).hosts;
    };
    /** A ce6 marker (bk-install's /etc/blueking/env) under the ce5 paas host's sysroot. */
    const plantCe6Marker = (): SandboxHost => {
      const h = the("ce5", "paas");
      mkdirSync(at(h, "/etc/blueking/env"), { recursive: true });
      writeFileSync(at(h, "/etc/blueking/env/local.env"), "LAN_IP=127.0.0.1\n");
      return h;
    };

    it("inventory --probe --json: each host's generation and exactly the markers of it that are there", async () => {
      const probed = await probe(fleetInventory());
      expect(probed.map((p) => p.name)).to.have.members(names(f.fleet().hosts));
      for (const h of f.fleet().hosts) {
        const found = MARKERS[h.generation as Generation].map((m) => at(h, m)).filter((p) => existsSync(p));
        expect(found, h.name).not.to.deep.equal([]);
        expect(probed.find((p) => p.name === h.name)?.generation, h.name).to.deep.equal({ name: h.generation, from: found.join(", ") });
      }
    });

    it("a host with markers of two generations is refused with the markers named, nothing written; pinning bk_generation makes it plannable again", async () => {
      const h = plantCe6Marker();
      const both = new RegExp(`several BlueKing generations \\(ce5: [^;]*${literally(at(h, MARKERS.ce5[0] ?? ""))}[^;]*; ce6: ${literally(at(h, "/etc/blueking/env"))}\\)`);
      const probed = (await probe(inventoryOf("ce5"))).find((p) => p.name === h.name);
      expect(probed?.generation).to.equal(null);
      expect(probed?.error).to.match(both);

      const out = await refusedUnchanged(["run", "raise-deploy-timeout", "-i", inventoryOf("ce5"), "-e", "agent_timeout=900"]);
      expect(out).to.match(new RegExp(`✗ ${h.name}: failed — this host has marker files of several BlueKing generations`)).and.match(both);

      const pinned = inventoryOf("ce5", { vars: { [h.name]: { bk_generation: "ce5" } } });
      expect((await probe(pinned)).find((p) => p.name === h.name)?.generation).to.deep.equal({ name: "ce5", from: "inventory" });
      const check = await runJson("raise-deploy-timeout", pinned, "-e", "agent_timeout=900", "--check");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(changedHosts(check.report)).to.have.members(names(installOf("ce5")));
    });

    it("5.x and 6.x hosts carry node-man's GSE agent and stay themselves; a 5.x host whose agent a 7.x node-man installed is refused, both generations named", async () => {
      const agent = (h: SandboxHost): string => at(h, "/usr/local/gse/agent/etc/agent.conf");
      for (const g of ["ce5", "ce6"] as const) for (const h of installOf(g)) expect(existsSync(agent(h)), h.name).to.equal(true);
      const h = the("ce5", "paas");
      writeFileSync(agent(h), readFileSync(agent(h), "utf8").replace(/"zkhost": "[^"]*"/, '"zkhost": "bk-zookeeper:2181"'));
      const probed = (await probe(inventoryOf("ce5"))).find((p) => p.name === h.name);
      expect(probed?.generation).to.equal(null);
      expect(probed?.error).to.match(new RegExp(`several BlueKing generations \\(ce5: [^;]*; ce7: ${literally(agent(h))} \\(zkhost on bkce 7\\.x's zookeeper`));
    });

    it("a host refused for its markers is reported with no generation (not a guessed one)", async () => {
      const h = plantCe6Marker();
      const r = await runJson("raise-deploy-timeout", inventoryOf("ce5"), "-e", "agent_timeout=900", "--check");
      const host = r.report.hosts.find((x) => x.host === h.name);
      expect(host?.status).to.equal("failed");
      expect(host?.generation).to.equal(undefined);
    });
  });
});
