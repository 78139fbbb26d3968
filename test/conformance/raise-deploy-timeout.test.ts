import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { agentSecrets } from "./bk-fixtures.js";
import { expectedLine } from "./compare.js";
import { needRealFiles, readReal } from "./genuine.js";
import { agentHost, ce5Paas, ce6Paas } from "./hosts.js";
import { Lab, type LabHost } from "./lab.js";
import { conform, expectHidden, generations, refused } from "./phases.js";

const LIMIT = /^\s+EXECUTE_TIME_LIMIT:/;
const OVERRIDE = "# 运维覆盖：部署状态等待一小时\nEVENT_STATE_EXPIRE_SECONDS = 3600\n";

/** The agent config still parses and keeps every key and value of the original but EXECUTE_TIME_LIMIT. */
function expectSameConfigBut(before: string, after: string, limit: number): void {
  const was = parse(before) as { settings: Record<string, unknown> };
  expect(parse(after)).to.deep.equal({ ...was, settings: { ...was.settings, EXECUTE_TIME_LIMIT: limit } });
}

/** EVENT_STATE_EXPIRE_SECONDS as PaaS sees it: conf/default.py, then settings_production.py over it. */
function effectiveExpiry(paas: LabHost): string {
  const script = "import sys\nns = {}\nfor f in sys.argv[1:]:\n    exec(open(f).read(), ns)\nprint(ns['EVENT_STATE_EXPIRE_SECONDS'])\n";
  return execFileSync("python3", ["-c", script, paas.at(paas.layout.paas_default), paas.at(paas.layout.paas_settings)], { encoding: "utf8" }).trim();
}

describe("conformance: raise-deploy-timeout × genuine agent configs", function () {
  this.timeout(60_000);
  needRealFiles();
  let lab: Lab;
  beforeEach(() => { lab = new Lab(); });
  afterEach(() => { lab.remove(); });

  it("paas-agent/paas-ce-v5.1.paas_agent_config.yaml on ce5: EXECUTE_TIME_LIMIT raised, PaaS's override written to settings_production.py", async () => {
    const real = "paas-agent/paas-ce-v5.1.paas_agent_config.yaml";
    const paas = ce5Paas(lab, "paas-1", "www.bking.com", ".bking.com");
    const agent = agentHost(lab, "appo-1", "ce5", real);
    const settings = paas.at(paas.layout.paas_settings);
    const before = readFileSync(settings, "utf8");
    const ran = await conform(lab, "raise-deploy-timeout", ["-e", "agent_timeout=600"], {
      hosts: ["appo-1", "paas-1"],
      lines: { [agent.config]: [expectedLine(readReal(real), LIMIT, "300", "600")] },
      changed: [settings],
      calls: ["systemctl restart paasagent.service", `supervisorctl -c ${paas.at("etc/supervisor-open_paas.conf")} restart paas`],
    });
    expectSameConfigBut(readReal(real), readFileSync(agent.config, "utf8"), 600);
    expect(readFileSync(settings, "utf8").startsWith(before), "settings_production.py only gains the override").to.equal(true);
    expect(effectiveExpiry(paas)).to.equal("660");
    expectHidden(ran.output, agentSecrets(readReal(real)));
  });

  it("paas-agent/ce6-template.paas_agent_config.yaml on ce6 (detected), --limit to the agent: PaaS's own override (3600) read as it is and kept", async () => {
    const real = "paas-agent/ce6-template.paas_agent_config.yaml";
    const paas = ce6Paas(lab, "paas-1", { pinned: false, extra: OVERRIDE });
    const agent = agentHost(lab, "appo-1", "ce6", real, { pinned: false });
    const ran = await conform(lab, "raise-deploy-timeout", ["-e", "agent_timeout=900", "--limit", "appo-1"], {
      hosts: ["appo-1"],
      lines: { [agent.config]: [expectedLine(readReal(real), LIMIT, "300", "900")] },
      calls: ["systemctl restart bk-paasagent.service"],
    });
    expect(generations(ran.applied)).to.deep.equal({ "appo-1": `ce6 (${agent.host.at("/usr/lib/systemd/system/bk-paasagent.service")})` });
    expectSameConfigBut(readReal(real), readFileSync(agent.config, "utf8"), 900);
    expect(effectiveExpiry(paas)).to.equal("3600");
    expectHidden(ran.output, agentSecrets(readReal(real)));
  });

  it("paas-agent/paas2-2.14.69.paas_agent_config.yaml (paas2 is what bkce 6.x runs: docker settings) on ce6: refused while PaaS keeps 360, then raised with PaaS", async () => {
    const real = "paas-agent/paas2-2.14.69.paas_agent_config.yaml";
    const paas = ce6Paas(lab, "paas-1");
    const agent = agentHost(lab, "appt-1", "ce6", real, { group: "appt" });
    await refused(lab, "raise-deploy-timeout", ["-e", "agent_timeout=600", "--limit", "appt-1"], /PaaS would give up on deploys before the agents do/);

    const settings = paas.at(paas.layout.paas_settings);
    await conform(lab, "raise-deploy-timeout", ["-e", "agent_timeout=600"], {
      hosts: ["appt-1", "paas-1"],
      lines: { [agent.config]: [expectedLine(readReal(real), LIMIT, "300", "600")] },
      changed: [settings],
      calls: ["systemctl restart bk-paasagent.service", "systemctl restart bk-paas-paas.service"],
    });
    expectSameConfigBut(readReal(real), readFileSync(agent.config, "utf8"), 600);
    expect(effectiveExpiry(paas)).to.equal("660");
  });
});
