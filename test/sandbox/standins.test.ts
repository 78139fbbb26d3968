import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAYOUTS, type PaasGeneration as Generation } from "../../src/generations/layouts.js";
import { NODE_ROLE, writeBkTree, type SandboxRole } from "../../src/sandbox/bk-tree.js";
import { installRoot } from "../../src/sandbox/fleet.js";
import { DNS_ZONE } from "../../src/sandbox/standins/getent.js";
import { nginxStandIn } from "../../src/sandbox/standins/nginx.js";

/** Runs a host's script as an operator would: exit code, stdout, stderr. */
function run(file: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(file, args, { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("sandbox stand-ins refuse what the real tools refuse", () => {
  let sysroot = "";
  const root = (g: Generation): string => join(sysroot, LAYOUTS[g].root);
  const tree = (g: Generation, roles: SandboxRole[]): Promise<void> => writeBkTree(root(g), roles, { generation: g, sysroot });
  const log = (g: Generation, name: string): string => {
    const file = join(root(g), "logs", name);
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };
  beforeEach(() => { sysroot = mkdtempSync(join(tmpdir(), "bkplay-standins-")); });
  afterEach(() => { rmSync(sysroot, { recursive: true, force: true }); });

  it("oss open_paas dashboard.sh: an action and one of its modules, else usage and exit 2; status records nothing", async () => {
    await tree("oss", ["paas"]);
    const dashboard = join(root("oss"), "open_paas/bin/dashboard.sh");
    expect(run(dashboard, ["restart", "esb"]).code).to.equal(0);
    expect(run(dashboard, ["status", "all"]).code).to.equal(0);
    for (const args of [["restart"], ["reload", "all"], ["restart", "nginx"], ["restart", "esb", "now"], []]) {
      const r = run(dashboard, args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.err).to.match(/^Usage: .*dashboard\.sh \{start\|stop\|restart\|status\} \{all\|paas\|login\|esb\|appengine\}$/m);
    }
    expect(log("oss", "dashboard.log")).to.equal("restart esb\n");
  });

  it("oss paas_agent dashboard.sh takes `all` only", async () => {
    await tree("oss", ["appo"]);
    const dashboard = join(root("oss"), "paas_agent/bin/dashboard.sh");
    expect(run(dashboard, ["restart", "all"]).code).to.equal(0);
    expect(run(dashboard, ["restart", "paas_agent"]).code).to.equal(2);
    expect(run(dashboard, ["restart"]).code).to.equal(2);
    expect(log("oss", "paas_agent.log")).to.equal("restart all\n");
  });

  it("the paas_agent binary ignores its arguments: `paas_agent restart` is a second agent, which fails", async () => {
    await tree("ce5", ["appo"]);
    const r = run(join(root("ce5"), "paas_agent/paas_agent/bin/paas_agent"), ["restart"]);
    expect(r.code).to.equal(1);
    expect(r.err).to.include("address already in use");
    expect(log("ce5", "paas_agent.log")).to.equal("restart\n");
  });

  describe("ce6 systemctl", () => {
    const systemctl = (): string => join(sysroot, "usr/bin/systemctl");
    beforeEach(() => tree("ce6", ["paas", "appo"]));

    it("restarts the host's units (a bare name is a .service), records each; an unknown unit is exit 5 with systemd's words", () => {
      expect(run(systemctl(), ["restart", "bk-paas-esb.service"]).code).to.equal(0);
      expect(run(systemctl(), ["restart", "bk-paasagent"]).code).to.equal(0);
      expect(run(systemctl(), ["restart", "bk-paas.target"]).code).to.equal(0);
      const unknown = run(systemctl(), ["restart", "paasagent.service"]);
      expect(unknown).to.deep.include({ code: 5, err: "Failed to restart paasagent.service: Unit paasagent.service not found.\n" });
      expect(run(systemctl(), ["reload", "nginx.service"]).code).to.equal(5);
      expect(log("ce6", "systemctl.log")).to.equal("restart bk-paas-esb.service\nrestart bk-paasagent.service\nrestart bk-paas.target\n");
    });

    it("refuses verbs it does not know, options, a missing unit, and a reload the unit does not define", () => {
      expect(run(systemctl(), ["enable", "bk-paas-esb"]).code).to.equal(1);
      expect(run(systemctl(), ["daemon-reload"]).code).to.equal(1);
      expect(run(systemctl(), ["--force", "restart", "bk-paas-esb"]).code).to.equal(1);
      expect(run(systemctl(), ["restart"]).code).to.equal(1);
      expect(run(systemctl(), []).code).to.equal(1);
      const reload = run(systemctl(), ["reload", "bk-paas-esb.service"]);
      expect(reload).to.deep.include({ code: 1, err: "Failed to reload bk-paas-esb.service: Job type reload is not applicable for unit bk-paas-esb.service.\n" });
      expect(log("ce6", "systemctl.log")).to.equal("");
    });

    it("answers status, is-active and cat as systemctl does (3 for inactive, 4 for an unknown unit) and records none", () => {
      expect(run(systemctl(), ["is-active", "bk-paas-login"])).to.deep.include({ code: 0, out: "active\n" });
      expect(run(systemctl(), ["stop", "bk-paas-login"]).code).to.equal(0);
      expect(run(systemctl(), ["is-active", "bk-paas-login"])).to.deep.include({ code: 3, out: "inactive\n" });
      expect(run(systemctl(), ["status", "bk-paas-login"]).code).to.equal(3);
      expect(run(systemctl(), ["status", "--no-pager", "bk-paas-esb"]).out).to.include("Active: active (running)");
      expect(run(systemctl(), ["status", "bk-paas-nope"]).code).to.equal(4);
      expect(run(systemctl(), ["is-active", "bk-paas-nope"])).to.deep.include({ code: 3, out: "inactive\n" });
      expect(run(systemctl(), ["cat", "bk-paas-esb"]).out).to.match(/^# \/usr\/lib\/systemd\/system\/bk-paas-esb\.service\n\[Unit\]/);
      expect(run(systemctl(), ["cat", "bk-paas-nope"]).code).to.equal(1);
      expect(log("ce6", "systemctl.log")).to.equal("stop bk-paas-login.service\n");
    });

    it("reload runs the unit's ExecReload with $MAINPID from its PIDFile (openresty: a HUP to the master)", async () => {
      await tree("ce6", ["nginx"]);
      const hups = join(sysroot, "hups");
      // A stand-in for nginx's master: it records the HUPs it gets.
      const master = spawn("bash", ["-c", `trap 'echo hup >> ${hups}' HUP; echo ready; while :; do sleep 0.05; done`], { stdio: ["ignore", "pipe", "ignore"] });
      await once(master.stdout, "data");
      writeFileSync(join(sysroot, "usr/local/openresty/nginx/logs/nginx.pid"), `${master.pid ?? 0}\n`);
      expect(run(systemctl(), ["reload", "openresty.service"]).code).to.equal(0);
      for (let i = 0; i < 50 && !existsSync(hups); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      master.kill("SIGKILL");
      expect(readFileSync(hups, "utf8")).to.equal("hup\n");
      expect(log("ce6", "systemctl.log")).to.equal("reload openresty.service\n");
    });
  });

  it("the nginx stand-in (no nginx installed) takes -t, -s reload|stop|quit|reopen, -c, -q, -e; nginx's exit 1 for the rest", () => {
    const file = join(sysroot, "nginx");
    const conf = join(sysroot, "nginx.conf");
    const calls = join(sysroot, "nginx.log");
    writeFileSync(conf, "events {}\n");
    writeFileSync(file, nginxStandIn({ prefix: sysroot, errorLog: join(sysroot, "error.log"), conf }, calls));
    chmodSync(file, 0o755);
    expect(run(file, ["-t"]).code).to.equal(0);
    expect(run(file, ["-q", "-t", "-e", "stderr", "-c", conf]).code).to.equal(0);
    expect(run(file, ["-t", "-c", join(sysroot, "missing.conf")]).code).to.equal(1);
    expect(run(file, ["-s", "reload"]).code).to.equal(0);
    for (const args of [["-s", "restart"], ["-s"], ["-T"], ["-g", "daemon off;"], ["reload"], []]) expect(run(file, args).code, args.join(" ")).to.equal(1);
    expect(readFileSync(calls, "utf8")).to.equal("-s reload\n");
  });

  it("getent answers from the host's own /etc/hosts as glibc's does (exit 2 not found, 1 with getent's words otherwise)", async () => {
    await tree("ce5", ["appo"]);
    const getent = join(sysroot, "usr/bin/getent");
    expect(run(getent, ["hosts", "paas.bk.com"])).to.deep.equal({ code: 0, out: "127.0.0.1       paas.bk.com paas.service.consul\n", err: "" });
    expect(run(getent, ["hosts", "PAAS.service.consul"]).out).to.equal("127.0.0.1       paas.bk.com paas.service.consul\n");
    expect(run(getent, ["hosts", "127.0.0.1"]).out).to.equal("127.0.0.1       localhost localhost.localdomain\n");
    expect(run(getent, ["hosts", "paas.example.com"])).to.deep.equal({ code: 2, out: "", err: "" });
    expect(run(getent, ["hosts", "paas.bk.com", "nope.example.com"]).code).to.equal(2);
    expect(run(getent, ["hosts"]).out.split("\n").filter(Boolean)).to.have.length(2);
    expect(run(getent, ["nosuchdb", "x"])).to.deep.include({ code: 1, err: "Unknown database: nosuchdb\n" });
    // glibc's getent says what is wrong on stderr, and where to look on stdout.
    expect(run(getent, [])).to.deep.include({ code: 1, err: "getent: wrong number of arguments\n", out: "Try `getent --help' or `getent --usage' for more information.\n" });
    expect(run(getent, ["ahosts", "paas.bk.com"]).out).to.match(/^127\.0\.0\.1\s+STREAM paas\.bk\.com\n/);
  });

  describe("gsectl (node-man's, beside the GSE agent)", () => {
    const ce7Root = (): string => join(sysroot, installRoot("ce7"));
    const gsectl = (): string => join(sysroot, "usr/local/gse/agent/bin/gsectl");
    const conf = (): string => join(sysroot, "usr/local/gse/agent/etc/agent.conf");
    const gsectlLog = (): string => (existsSync(join(ce7Root(), "logs/gsectl.log")) ? readFileSync(join(ce7Root(), "logs/gsectl.log"), "utf8") : "");
    beforeEach(() => writeBkTree(ce7Root(), [NODE_ROLE], { generation: "ce7", sysroot }));

    it("an unknown action is the usage and exit 255; status answers 0 RUNNING or 2 EXIT; start, stop, restart are recorded with the zkhost read", () => {
      for (const args of [["healthcheck"], ["--restart"], []]) {
        const r = run(gsectl(), args);
        expect(r.code, args.join(" ")).to.equal(255);
        expect(r.out).to.match(/^usage: gsectl ACTION/);
      }
      expect(run(gsectl(), ["status"])).to.deep.include({ code: 0 }).and.to.satisfy((r: { out: string }) => /^gse_agent: pid:\d+ etime:\S+ RUNNING$/m.test(r.out));
      expect(run(gsectl(), ["start"]).out).to.include("Already RUNNING");
      expect(run(gsectl(), ["stop"]).code).to.equal(0);
      expect(run(gsectl(), ["status"])).to.deep.include({ code: 2, out: "gse_agent: EXIT\n" });
      expect(run(gsectl(), ["restart", "agent"]).code).to.equal(0);
      expect(run(gsectl(), ["status"]).code).to.equal(0);
      expect(gsectlLog()).to.equal("stop\nrestart zkhost=127.0.0.1:32181\n");
    });

    it("a config that is not JSON fails the start, as the agent would, and nothing is recorded", () => {
      writeFileSync(conf(), readFileSync(conf(), "utf8").replace(/,\n/, "\n"));
      expect(run(gsectl(), ["restart"])).to.deep.include({ code: 1, out: "gse agent start failed\n" });
      expect(gsectlLog()).to.equal("");
    });
  });

  describe("getent: the machine's own, resolving as the host would (its /etc/hosts, its DNS), isolated", () => {
    const getent = (): string => join(sysroot, "usr/bin/getent");
    const addresses = (out: string): string[] => [...new Set(out.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0] ?? ""))];
    beforeEach(() => writeBkTree(join(sysroot, installRoot("ce7")), [NODE_ROLE], { generation: "ce7", sysroot }));

    it("the host's /etc/hosts answers, never the machine's: a name dropped from the host's file does not resolve", () => {
      expect(addresses(run(getent(), ["ahosts", "bkrepo.bkce7.bktencent.com"]).out)).to.deep.equal(["127.0.0.1"]);
      writeFileSync(join(sysroot, "etc/hosts"), "10.1.2.3 only-here.example\n");
      expect(run(getent(), ["ahosts", "localhost"]).code, "localhost is in the machine's /etc/hosts, not in the host's").to.equal(2);
      expect(addresses(run(getent(), ["ahosts", "only-here.example"]).out)).to.deep.equal(["10.1.2.3"]);
      expect(run(getent(), ["ahosts", "bkrepo.bkce7.bktencent.com"]).code).to.equal(2);
    });

    it("DNS is the host's zone, served on the namespace's loopback: A and AAAA answered, any other name NXDOMAIN", () => {
      writeFileSync(join(sysroot, DNS_ZONE), "10.9.9.9 dns-only.example\nfd00::9 dns-only.example\n");
      expect(addresses(run(getent(), ["ahosts", "dns-only.example"]).out).sort()).to.deep.equal(["10.9.9.9", "fd00::9"]);
      expect(addresses(run(getent(), ["hosts", "dns-only.example"]).out)).to.deep.equal(["fd00::9"]);
      expect(run(getent(), ["ahosts", "elsewhere.example"]).code).to.equal(2);
    });

    it("it is the real getent: what getent refuses is refused", () => {
      expect(run(getent(), ["nosuchdb", "x"])).to.deep.include({ code: 1, err: "Unknown database: nosuchdb\n" });
      expect(run(getent(), []).code).to.equal(1);
    });
  });
});
