import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay } from "../support/cli.js";
import { useFleet } from "../support/fleet.js";
import { readOnlyDoctor, roles, seen, useAgentNginx, wrapShell } from "./support.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");

describe("doctor on the agent hosts and every host (bkce 5.x, 6 hosts, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "ce5", { mysql: true });
  useAgentNginx();
  const { one } = roles(f.fleet);
  const inv = (): string => f.fleet().inventoryFile;
  const config = (root: string): string => join(root, "etc/paas_agent_config.yaml");
  const edit = (path: string, from: RegExp | string, to: string): void => {
    const text = readFileSync(path, "utf8");
    const next = text.replace(from, to);
    expect(next, `${String(from)} in ${path}`).to.not.equal(text);
    writeFileSync(path, next);
  };
  afterEach(() => f.reset());

  it("agent.controller: a name the agent host cannot resolve, and a port nothing listens on, dialled from each agent host", async () => {
    const [appo, appt] = [one("appo"), one("appt")];
    // appo's /etc/hosts no longer names PaaS; appt names a port nothing listens on.
    edit(join(appo.sysroot, "etc/hosts"), / paas\.bk\.com/, "");
    const [dead = 0] = await reservePorts(1);
    edit(config(appt.root), /(CONTROLLER_SERVER_URL: 'http:\/\/paas\.bk\.com:)\d+/, `$1${dead}`);
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`agent.controller fail ${appo.name}`, `agent.controller fail ${appt.name}`]);
    expect(report.findings[0]?.message).to.equal(`CONTROLLER_SERVER_URL http://paas.bk.com:${appo.frontPort ?? 0}: paas.bk.com does not resolve on ${appo.name} (getent hosts: not found)`);
    expect(report.findings[1]?.message).to.equal(`CONTROLLER_SERVER_URL http://paas.bk.com:${dead}: nothing listens on paas.bk.com (127.0.0.1) port ${dead} (connection refused) (dialled from ${appt.name})`);
  });

  it("agent.startup: the 1305103 the agent logs when it cannot reach PaaS, with its meaning; a later start clears it", async () => {
    const agent = one("appt");
    const log = join(agent.root, "logs/paas_agent/agent.log");
    appendFileSync(log, "2024/05/07 09:00:01 main.go:44: 1305103 paasagent start failed, please make sure http://paas.bk.com has been enabled, and normal access to the service from this machine can be achieved.\nGet http://paas.bk.com/v1/healthz: dial tcp: lookup paas.bk.com: no such host\n");
    const report = await readOnlyDoctor(f, ["--only", "agent.startup"]);
    expect(seen(report)).to.deep.equal([`agent.startup fail ${agent.name}`]);
    expect(report.findings[0]?.message).to.equal("the agent could not reach CONTROLLER_SERVER_URL (/v1/healthz) when it started, so it stopped");
    expect(report.findings[0]?.evidence).to.deep.equal([`${agent.name}: ${log}: 2024/05/07 09:00:01 main.go:44: 1305103 paasagent start failed, please make sure http://paas.bk.com has been enabled, and normal access to the service from this machine can be achieved.`]);
    appendFileSync(log, "2024/05/07 09:05:00 http.go:194: Start agent Now listen on   4245\n");
    expect(seen(await readOnlyDoctor(f, ["--only", "agent.startup"]))).to.deep.equal([]);
    // A port clash is logged after the start line of the same attempt.
    appendFileSync(log, "2024/05/07 09:05:00 main.go:44: listen tcp :4245: bind: address already in use\n");
    const clash = await readOnlyDoctor(f, ["--only", "agent.startup"]);
    expect(clash.findings[0]?.message).to.equal("the agent's port is taken by another process");
  });

  it("pip.offline: an agent whose pip index nothing answers, with no offline mirror: the ready offline-pip-mirror command fixes it", async () => {
    const agent = one("appo");
    const [dead = 0] = await reservePorts(1);
    edit(config(agent.root), /PYTHON_PIP: 'http:\/\/127\.0\.0\.1:\d+\/simple\/'/, `PYTHON_PIP: 'http://127.0.0.1:${dead}/simple/'`);
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`pip.offline fail ${agent.name}`]);
    expect(report.findings[0]?.evidence?.[0]).to.equal(`${agent.name}: PYTHON_PIP http://127.0.0.1:${dead}/simple/: nothing listens on 127.0.0.1 port ${dead} (connection refused) (dialled from ${agent.name}); the build installs online: ${join(agent.root, "paas_agent/paas_agent/etc/build/virtualenv/build")}: pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST; ${join(agent.root, "paas_agent/paas_agent/etc/build/virtualenv/build")}: pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST; ${join(agent.root, "paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas")}: pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST`);
    const command = `bkplay plan offline-pip-mirror -i ${inv()} -e packages=/path/to/python_pkgs.tar.gz -o offline-pip-mirror.plan.json`;
    expect(report.findings[0]?.fix?.command).to.equal(command);
    // The command, with the packages given: the build installs from the mirror, and the unreachable index no longer matters.
    const wheels = join(f.dir(), "wheels");
    execFileSync("python3", [join(python, "tiny-wheel.py"), wheels, "bk_tiny_saas_dep", "1.0.0"]);
    const fix = await bkplay(["run", "offline-pip-mirror", "-i", inv(), "-e", `packages=${wheels}`, "--log-dir", join(f.dir(), "audit")]);
    expect(fix.code, fix.stdout + fix.stderr).to.equal(0);
    expect(seen(await readOnlyDoctor(f))).to.deep.equal([]);
  });

  it("time.zone: one host's commands run in another zone (TZ in its shell's environment)", async () => {
    const host = one("mysql");
    const here = execFileSync("date", ["+%z"], { encoding: "utf8" }).trim();
    const other = here === "+0900" ? "XYZ+5" : "XYZ-9";
    wrapShell(host, `/usr/bin/env TZ=${other}`);
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`time.zone fail ${host.name}`]);
    const offset = other === "XYZ-9" ? "+0900" : "-0500";
    expect(report.findings[0]?.message).to.equal(`${host.name} runs in ${offset} (XYZ), the other hosts in ${here} (${execFileSync("date", ["+%Z"], { encoding: "utf8" }).trim()})`);
  });

  it("esb.components: a component esb.log says failed to import (a package ESB lacks): file and exception quoted, the fix names both", async () => {
    const paas = one("paas");
    const file = join(paas.root, "open_paas/esb/components/generic/apis/my_sys/get_host.py");
    appendFileSync(join(paas.root, "logs/open_paas/esb.log"), `ERROR [2024-05-07 10:00:00] ${join(paas.root, "open_paas/esb/esb/component/base.py")} 386 register_path 4242 139912 \n \t 1306101 Error when register file ${file}, skip \nTraceback (most recent call last):\n  File "${join(paas.root, "open_paas/esb/esb/component/base.py")}", line 383, in register_path\n    module = import_module(fpath_to_module(filename))\n  File "${file}", line 3, in <module>\n    import requests_toolbelt\nImportError: No module named requests_toolbelt\nINFO [2024-05-07 10:00:01] x.py 1 f 4242 139912 \n \t done \n`);
    const report = await readOnlyDoctor(f);
    expect(seen(report)).to.deep.equal([`esb.components fail ${paas.name}`]);
    expect(report.findings[0]?.message).to.equal("ESB could not import components/generic/apis/my_sys/get_host.py (ImportError: No module named requests_toolbelt)");
    expect(report.findings[0]?.evidence?.[0]).to.include("at 2024-05-07 10:00:00: 1306101 Error when register file");
    expect(report.findings[0]?.fix?.command).to.equal(`bkplay plan esb-add-component-deps -i ${inv()} -e component_path=generic/apis/my_sys -e packages=requests_toolbelt==VERSION -o esb-add-component-deps.plan.json`);
  });
});
