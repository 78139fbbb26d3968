import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CHECKS } from "../../src/doctor/checks/index.js";
import type { DoctorReport } from "../../src/doctor/run-doctor.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { startAgentNginxWithoutPort } from "../support/agent-nginx.js";
import { bkplay } from "../support/cli.js";
import { statusOf } from "../support/http-status.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { doctor, expectNoSecret, readOnlyDoctor as readOnly, roles, seen, useAgentNginx, wrapShell } from "./support.js";

describe("doctor finds what is broken, for real (bkce 5.x, 6 hosts, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "ce5", { mysql: true });
  useAgentNginx();
  const { role, one } = roles(f.fleet);
  const inv = (): string => f.fleet().inventoryFile;
  const readOnlyDoctor = (args: readonly string[] = [], extraSecrets: readonly string[] = []): Promise<DoctorReport> => readOnly(f, args, extraSecrets);
  afterEach(() => f.reset());

  it("deploy.timeout: an agent allowed longer than PaaS waits; the fix names the agent's limit", async () => {
    const agent = one("appt");
    const config = join(agent.root, "etc/paas_agent_config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("EXECUTE_TIME_LIMIT: 300", "EXECUTE_TIME_LIMIT: 4000"));
    const { run, report } = await doctor(["-i", inv()]);
    expect(run.code).to.equal(1);
    expect(seen(report)).to.deep.equal([`deploy.timeout fail ${[...role("paas").map((h) => h.name), agent.name].sort().join(",")}`]);
    const [finding] = report.findings;
    expect(finding?.fix?.command).to.equal(`bkplay plan raise-deploy-timeout -i ${inv()} -e agent_timeout=4000 -o raise-deploy-timeout.plan.json`);
    expect(finding?.evidence?.join("\n")).to.include("EVENT_STATE_EXPIRE_SECONDS = 3600 (").and.include(`${agent.name}: EXECUTE_TIME_LIMIT = 4000`);
    // The command it names fixes it: run it (apply), and doctor finds nothing more.
    const fix = await bkplay(["run", "raise-deploy-timeout", "-i", inv(), "-e", "agent_timeout=4000", "--log-dir", join(f.dir(), "audit")]);
    expect(fix.code, fix.stdout + fix.stderr).to.equal(0);
    expect(seen(await readOnlyDoctor())).to.deep.equal([]);
  });

  it("unknown, never fail: a file missing where the generation keeps it is named", async () => {
    const agent = one("appo");
    const config = join(agent.root, "etc/paas_agent_config.yaml");
    execFileSync("rm", [config]);
    const report = await readOnlyDoctor();
    expect(seen(report)).to.deep.equal(["deploy.timeout", "domain.consistency", "agent.controller", "pip.offline"].map((c) => `${c} unknown ${agent.name}`));
    for (const f of report.findings.filter((x) => x.check !== "domain.consistency")) expect(f.message).to.equal(`${config} is missing (this host's ce5 keeps the agent's config there)`);
    const text = await bkplay(["doctor", "-i", inv()]);
    expect(text.code).to.equal(0);
  });

  it("app.stale-socket: a real supervisord killed -9 leaves its socket; a live one beside it is fine; the fix it names clears it", async () => {
    const agent = one("appo");
    const pids: number[] = [];
    const start = (app: string): { socket: string; pid: number } => {
      const run = join(agent.root, "paas_agent/apps/projects", app, "run");
      mkdirSync(run, { recursive: true });
      const conf = join(run, "supervisord.conf");
      writeFileSync(conf, `[unix_http_server]\nfile = ${run}/supervisord.sock\n\n[supervisord]\npidfile = ${run}/supervisord.pid\nlogfile = ${run}/supervisord.log\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n[supervisorctl]\nserverurl = unix://${run}/supervisord.sock\n`);
      execFileSync("supervisord", ["-c", conf]);
      return { socket: join(run, "supervisord.sock"), pid: 0 };
    };
    try {
      const dead = start("dead_app");
      const live = start("live_app");
      for (const s of [dead, live]) {
        const pidFile = s.socket.replace(/\.sock$/, ".pid");
        for (let i = 0; i < 400 && !(existsSync(s.socket) && existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== ""); i++) await sleep(25);
        const pid = Number(readFileSync(pidFile, "utf8").trim());
        s.pid = pid;
        pids.push(pid);
      }
      process.kill(dead.pid, "SIGKILL");
      for (let i = 0; i < 200 && existsSync(`/proc/${dead.pid}`); i++) await sleep(25);
      expect(existsSync(dead.socket), "the killed supervisord leaves its socket").to.equal(true);
      expect(spawnSync("supervisorctl", ["-s", `unix://${dead.socket}`, "status"]).status, "supervisorctl fails on it, as the build script's would").to.not.equal(0);
      const report = await readOnlyDoctor();
      expect(seen(report)).to.deep.equal([`app.stale-socket fail ${agent.name}`]);
      const [finding] = report.findings;
      expect(finding?.message).to.equal(`dead_app: supervisord.sock with no supervisord listening (supervisord.pid says ${dead.pid}, which is not running)`);
      const command = `bkplay plan clean-stale-app-run -i ${inv()} -l ${agent.name} -o clean-stale-app-run.plan.json`;
      expect(finding?.fix?.command).to.equal(command);
      // The command it names fixes it (run as the plan it names would apply), and doctor finds nothing more.
      const fix = await bkplay(["run", "clean-stale-app-run", "-i", inv(), "-l", agent.name, "--log-dir", join(f.dir(), "audit")]);
      expect(fix.code, fix.stdout + fix.stderr).to.equal(0);
      expect(existsSync(dead.socket)).to.equal(false);
      expect(existsSync(live.socket)).to.equal(true);
      expect(seen(await readOnlyDoctor())).to.deep.equal([]);
    } finally {
      for (const pid of pids) spawnSync("kill", ["-9", String(pid)]);
    }
  });

  it("esb.components: a custom component folder without __init__.py; the fix names its path", async () => {
    const paas = one("paas");
    const folder = join(paas.root, "open_paas/esb/components/generic/apis/my_sys");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "get_host.py"), "from components.component import Component\n");
    const report = await readOnlyDoctor();
    expect(seen(report)).to.deep.equal([`esb.components fail ${paas.name}`]);
    expect(report.findings[0]?.fix?.command).to.equal(`bkplay plan esb-add-component-deps -i ${inv()} -e component_path=generic/apis/my_sys -e packages=NAME==VERSION -o esb-add-component-deps.plan.json`);
  });

  it("login.consistency: a SECRET_KEY that differs on one PaaS host is named by key, its value never shown", async () => {
    const [first, second] = role("paas");
    if (!first || !second) throw new Error("two paas hosts needed");
    const settings = join(second.root, "open_paas/login/conf/settings_production.py");
    const otherKey = "Zq8xWv3LmN5pR7tY9uB2cD4eF6gH8jK0aS1dQ3wE5rT7yU9iO2";
    writeFileSync(settings, readFileSync(settings, "utf8").replace(/^SECRET_KEY = '[^']*'/m, `SECRET_KEY = '${otherKey}'`));
    const report = await readOnlyDoctor([], [otherKey]);
    expect(seen(report)).to.deep.equal([`login.consistency fail ${[first.name, second.name].sort().join(",")}`]);
    const [finding] = report.findings;
    expect(finding?.message).to.equal(`login settings differ between PaaS hosts: SECRET_KEY (${second.name} differs from ${first.name})`);
    expect(finding?.evidence).to.deep.equal([`SECRET_KEY differs — ${first.name}; ${second.name} (compared by hash; the value is not shown)`]);
    // The fix names the source and why (two hosts, two versions: the one the inventory names first).
    const command = `bkplay plan sync-login-settings -i ${inv()} -e source=${first.name} -o sync-login-settings.plan.json`;
    expect(finding?.fix?.command).to.equal(command);
    expect(finding?.fix?.text.en).to.equal(`make login's settings_production.py the same on every PaaS host, taking ${first.name}'s: 1 of 2 PaaS hosts hold it and as many hold another; it comes first in the inventory; login restarts where the file changed`);
    // The command it names, typed as shown, then the plan applied: doctor finds nothing more.
    const plan = await bkplay([...command.split(" ").slice(1), "--log-dir", join(f.dir(), "audit")], { cwd: f.dir() });
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    const apply = await bkplay(["apply", "sync-login-settings.plan.json", "--log-dir", join(f.dir(), "audit")], { cwd: f.dir() });
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expectNoSecret(f.fleet(), [plan.stdout, plan.stderr, apply.stdout, apply.stderr, readFileSync(join(f.dir(), "sync-login-settings.plan.json"), "utf8")], [otherKey]);
    expect(seen(await readOnlyDoctor([], [otherKey]))).to.deep.equal([]);
  });

  it("domain.consistency: an agent still on the old domain; the fix is change-domain from it to PaaS's", async () => {
    const agent = one("appt");
    const config = join(agent.root, "etc/paas_agent_config.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace("http://paas.bk.com", "http://old.bk.com"));
    const report = await readOnlyDoctor();
    // old.bk.com resolves nowhere: the agent cannot reach PaaS either.
    expect(seen(report)).to.deep.equal([`domain.consistency fail ${agent.name}`, `agent.controller fail ${agent.name}`]);
    const command = `bkplay plan change-domain -i ${inv()} -e new_domain=paas.bk.com -e old_domain=old.bk.com -o change-domain.plan.json`;
    expect(report.findings[0]?.fix?.command).to.equal(command);
    const fix = await bkplay(["run", "change-domain", "-i", inv(), "-e", "new_domain=paas.bk.com", "-e", "old_domain=old.bk.com", "--log-dir", join(f.dir(), "audit")]);
    expect(fix.code, fix.stdout + fix.stderr).to.equal(0);
    expect(seen(await readOnlyDoctor())).to.deep.equal([]);
  });

  /** Points the nginx host's /t/ upstream at `port`, where nothing listens, and waits until nginx answers /t/ with 502. */
  async function proxyTestAppsTo(port: number): Promise<SandboxHost> {
    const nginx = one("nginx");
    const conf = join(nginx.root, "etc/nginx/paas.conf");
    writeFileSync(conf, readFileSync(conf, "utf8").replace(/(upstream PAAS_AGENT_TEST \{\s*server )127\.0\.0\.1:8010/, `$1127.0.0.1:${port}`));
    execFileSync(join(nginx.sysroot, "usr/sbin/nginx"), ["-s", "reload"]);
    let status = 0;
    for (let i = 0; i < 40 && status !== 502; i++) {
      await sleep(50);
      status = await statusOf(nginx.nginxPort ?? 0, "/t/demo/");
    }
    expect(status, "nginx answers /t/ with 502").to.equal(502);
    return nginx;
  }

  it("agent.listener: the real nginx's /t/ upstream points at a port nothing listens on (502), and only it is named", async () => {
    const [port = 0] = await reservePorts(1);
    const nginx = await proxyTestAppsTo(port);
    const report = await readOnlyDoctor();
    expect(seen(report)).to.deep.equal([`agent.listener fail ${nginx.name}`]);
    expect(report.findings[0]?.message).to.equal(`/t/ → upstream PAAS_AGENT_TEST server 127.0.0.1:${port}: nothing listens (dialled from ${nginx.name})`);
  });

  it("agent.listener: the appt's own nginx runs without listening on the /t/ upstream's port (502); the fix it names reloads it, and /t/ answers", async () => {
    const appt = one("appt");
    const port = appt.agentPort ?? 0;
    const agentNginx = await startAgentNginxWithoutPort(appt);
    try {
      const nginx = await proxyTestAppsTo(port);
      const report = await readOnlyDoctor();
      expect(seen(report)).to.deep.equal([`agent.listener fail ${nginx.name}`]);
      const [finding] = report.findings;
      expect(finding?.evidence).to.include(`${appt.name}: nginx master ${agentNginx.pid} runs but does not listen on ${port} (${join(appt.root, "etc/nginx/paasagent.conf")})`);
      const command = `bkplay plan agent-nginx-listen -i ${inv()} -l ${appt.name} -o agent-nginx-listen.plan.json`;
      expect(finding?.fix?.command).to.equal(command);
      const fix = await bkplay(["run", "agent-nginx-listen", "-i", inv(), "-l", appt.name, "--log-dir", join(f.dir(), "audit")]);
      expect(fix.code, fix.stdout + fix.stderr).to.equal(0);
      const after = await readOnlyDoctor();
      expect(seen(after), after.findings.map((x) => x.message).join("\n")).to.deep.equal([]);
      // Through PaaS's nginx, /t/ reaches the agent's nginx: a 404 for an app not deployed, no longer a 502.
      expect(await statusOf(nginx.nginxPort ?? 0, "/t/demo/")).to.equal(404);
    } finally {
      agentNginx.stop();
    }
  });

  it("time.skew: one host's commands under Debian's faketime, 10 minutes ahead; measured across the round trip", async function () {
    if (!existsSync("/usr/bin/faketime")) this.skip(); // .ci/run installs it
    const host = one("mysql");
    // The host's sh (first on its PATH, so every command bkplay sends it) runs under faketime: its whole clock is ahead.
    wrapShell(host, "/usr/bin/faketime -f +600s");
    const report = await readOnlyDoctor();
    expect(seen(report)).to.deep.equal([`time.skew fail ${host.name}`]);
    const m = /^clock at least (\d+\.\d) s ahead of the controller's \(measured across the round trip, error bound (\d+\.\d) s\); login allows 60 s$/.exec(report.findings[0]?.message ?? "");
    expect(m, report.findings[0]?.message).to.not.equal(null);
    expect(Number(m?.[1])).to.be.within(590, 600.5);
    expect(Number(m?.[2])).to.be.below(10);
  });

  it("time.skew: two hosts each 45 s from the controller, in opposite directions, are 90 s apart", async function () {
    if (!existsSync("/usr/bin/faketime")) this.skip(); // .ci/run installs it
    const ahead = one("appo");
    const behind = one("appt");
    for (const [h, offset] of [[ahead, "+45s"], [behind, "-45s"]] as const) wrapShell(h, `/usr/bin/faketime -f ${offset}`);
    const report = await readOnlyDoctor();
    expect(seen(report)).to.deep.equal([`time.skew fail ${[ahead.name, behind.name].sort().join(",")}`]);
    expect(report.findings[0]?.message).to.match(new RegExp(`^clocks at least (8\\d|90)\\.\\d s apart: ${ahead.name} 4\\d\\.\\d s ahead of the controller's, ${behind.name} 4\\d\\.\\d s behind`));
  });

  it("a dead host and one that never answers are findings within --timeout; the other hosts are still judged", async () => {
    const hang: Server = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
    const [deadPort] = await reservePorts(1);
    const hangPort = (hang.address() as { port: number }).port;
    const file = writeInventory(f.fleet(), join(f.dir(), "with-dead.yaml"), { extraHosts: { dead: { address: "127.0.0.1", port: deadPort ?? 1 }, silent: { address: "127.0.0.1", port: hangPort } } });
    try {
      const t0 = Date.now();
      const { run, report } = await doctor(["-i", file, "--timeout", "2"]);
      expect(Date.now() - t0).to.be.below(8000);
      expect(run.code).to.equal(1);
      expect(seen(report)).to.deep.equal(["host.reachable fail dead", "host.reachable fail silent"]);
      expect(report.findings[1]?.message).to.equal("did not answer within 2 s (connect and read); its checks were not run");
      expect(report.hosts.filter((h) => h.reached)).to.have.length(6);
    } finally {
      hang.close();
    }
  });

  it("--only, --skip, --lang (and a zh LANG) and bad input", async () => {
    const bad = await bkplay(["doctor", "-i", inv(), "--only", "deploy.timout"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("--only: no check 'deploy.timout' (did you mean 'deploy.timeout'?)");
    const only = await doctor(["-i", inv(), "--only", "time.skew,deploy.timeout"]);
    expect(only.report.checks.map((c) => c.id)).to.deep.equal(["deploy.timeout", "time.skew"]);
    const skip = await doctor(["-i", inv(), "--skip", "time.skew"]);
    expect(skip.report.checks.map((c) => c.id)).to.not.include("time.skew");
    const zh = await bkplay(["doctor", "-i", inv(), "--lang", "zh"]);
    // Every check but the two for bkce 7.x nodes applies to a 5.x install.
    const applied = CHECKS.filter((c) => c.generations?.includes("ce7") !== true).length;
    expect(zh.stdout).to.equal(`6 台主机上的全部 ${applied} 项检查正常\n`);
    const env = await bkplay(["doctor", "-i", inv()], { env: { LANG: "zh_CN.UTF-8" } });
    expect(env.stdout).to.equal(zh.stdout);
  });
});
