import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { agentSecrets, ce5Build, ce5LoginSettings, ce5PaasSettings } from "./bk-fixtures.js";
import { expectedLine } from "./compare.js";
import { needRealFiles, readReal } from "./genuine.js";
import { agentHost, ce5Paas, ce6Paas, nginxHost } from "./hosts.js";
import { Lab, nginxUnavailable } from "./lab.js";
import { conform, expectHidden, generations, refused } from "./phases.js";

const NEW = "paas.example.com";
const NEW_COOKIE = ".example.com";
const CE5_AGENT = "paas-agent/paas-ce-v5.1.paas_agent_config.yaml";
const SERVER_NAME = /^\s*server_name\s/;
const CONTROLLER = /^\s+CONTROLLER_SERVER_URL:/;
const REFUSAL = /change_bk_domain\.sh/;

/** Every key of the original agent config keeps its value, but CONTROLLER_SERVER_URL. */
function expectSameConfigBut(before: string, after: string, url: string): void {
  const was = parse(before) as { settings: Record<string, unknown> };
  const now = parse(after) as { settings: Record<string, unknown> };
  expect(now).to.deep.equal({ ...was, settings: { ...was.settings, CONTROLLER_SERVER_URL: url } });
}

describe("conformance: change-domain × genuine files", function () {
  this.timeout(60_000);
  needRealFiles();
  let lab: Lab;
  let nginxMissing: string | null = null;
  before(async () => { nginxMissing = await nginxUnavailable(); });
  beforeEach(() => { lab = new Lab(); });
  afterEach(() => { lab.remove(); });

  /** The real nginx accepts the result (skipped, saying why, where this machine cannot run it). */
  async function nginxAccepts(conf: string): Promise<void> {
    if (nginxMissing !== null) {
      console.log(`  [conformance] nginx -t skipped: ${nginxMissing}`);
      return;
    }
    const verdict = await lab.nginxTest(conf);
    expect(verdict.code, verdict.output).to.equal(0);
  }

  /** The playbook's own `validate` ran the real nginx on its candidate, and it passed. */
  function expectValidatedByNginx(): void {
    const runs = lab.nginxRuns();
    expect(runs, "the playbook's nginx -t").not.to.deep.equal([]);
    for (const r of runs) expect(r).to.match(/ -t .* => 0$/);
  }

  it("a whole bkce 5.x fleet (generations detected from marker files): paas-ce v5.1's nginx paas.conf and agent config move from the domain PAAS_DOMAIN names", async function () {
    if (nginxMissing !== null) this.skip();
    const nginxConf = "nginx/paas-ce-v5.1.example.paas.conf";
    const paas = ce5Paas(lab, "paas-1", "www.bking.com", ".bking.com", { pinned: false });
    const nginx = nginxHost(lab, "nginx-1", "ce5", nginxConf, { pinned: false });
    const agent = agentHost(lab, "appo-1", "ce5", CE5_AGENT, { pinned: false, builds: [ce5Build] });
    const supervisor = paas.at("etc/supervisor-open_paas.conf");
    const settings = ce5PaasSettings("www.bking.com", ".bking.com");
    const ran = await conform(lab, "change-domain", ["-e", `new_domain=${NEW}`], {
      hosts: ["appo-1", "nginx-1", "paas-1"],
      lines: {
        [nginx.conf]: [expectedLine(readReal(nginxConf), SERVER_NAME, "www.bking.com", NEW)],
        [agent.config]: [expectedLine(readReal(CE5_AGENT), CONTROLLER, "www.bking.com", NEW)],
        [paas.at(paas.layout.paas_settings)]: [
          expectedLine(settings, /^PAAS_DOMAIN /, "www.bking.com", NEW),
          expectedLine(settings, /^BK_COOKIE_DOMAIN /, ".bking.com", NEW_COOKIE),
        ],
        [paas.at(paas.layout.login_settings)]: [expectedLine(ce5LoginSettings(".bking.com"), /^BK_COOKIE_DOMAIN /, ".bking.com", NEW_COOKIE)],
      },
      calls: ["nginx -s reload", "systemctl restart paasagent.service", `supervisorctl -c ${supervisor} restart login`, `supervisorctl -c ${supervisor} restart paas`],
    });
    expect(generations(ran.applied)).to.deep.equal({
      "paas-1": `ce5 (${supervisor})`,
      "nginx-1": `ce5 (${nginx.conf})`,
      "appo-1": `ce5 (${agent.host.at(agent.host.layout.agent_build_scripts[0] ?? "")})`,
    });
    expectValidatedByNginx();
    await nginxAccepts(nginx.conf);
    expectSameConfigBut(readReal(CE5_AGENT), readFileSync(agent.config, "utf8"), `http://${NEW}`);
    expectHidden(ran.output, agentSecrets(readReal(CE5_AGENT)));
  });

  it("nginx/ce5-bkdocs-5.0.4.paas.conf on ce5: the public name moves, paas.service.consul stays (old domain read on the paas host)", async function () {
    if (nginxMissing !== null) this.skip();
    const real = "nginx/ce5-bkdocs-5.0.4.paas.conf";
    const paas = ce5Paas(lab, "paas-1", "paas.bk.com", ".bk.com");
    const nginx = nginxHost(lab, "nginx-1", "ce5", real);
    lab.host("appo-1", "appo", "ce5");
    const supervisor = paas.at("etc/supervisor-open_paas.conf");
    const settings = ce5PaasSettings("paas.bk.com", ".bk.com");
    const ran = await conform(lab, "change-domain", ["-e", `new_domain=${NEW}`, "--limit", "paas:nginx"], {
      hosts: ["nginx-1", "paas-1"],
      lines: {
        [nginx.conf]: [expectedLine(readReal(real), SERVER_NAME, "paas.bk.com", NEW)],
        [paas.at(paas.layout.paas_settings)]: [
          expectedLine(settings, /^PAAS_DOMAIN /, "paas.bk.com", NEW),
          expectedLine(settings, /^BK_COOKIE_DOMAIN /, ".bk.com", NEW_COOKIE),
        ],
        [paas.at(paas.layout.login_settings)]: [expectedLine(ce5LoginSettings(".bk.com"), /^BK_COOKIE_DOMAIN /, ".bk.com", NEW_COOKIE)],
      },
      calls: ["nginx -s reload", `supervisorctl -c ${supervisor} restart login`, `supervisorctl -c ${supervisor} restart paas`],
    });
    expect(generations(ran.applied)).to.deep.equal({ "paas-1": "ce5 (inventory)", "nginx-1": "ce5 (inventory)" });
    expect(readFileSync(nginx.conf, "utf8")).to.match(/^ {4}server_name {2}paas\.example\.com paas\.service\.consul;$/m);
    expectValidatedByNginx();
    await nginxAccepts(nginx.conf);
  });

  for (const [real, old] of [["nginx/paas-ce-v5.1.example.paas.conf", "www.bking.com"], ["nginx/ce5-bkdocs-5.0.4.paas.conf", "paas.bk.com"]] as const) {
    it(`${real} on ce5 with -e old_domain, only the nginx host in the run`, async function () {
      if (nginxMissing !== null) this.skip();
      lab.host("paas-1", "paas", "ce5");
      lab.host("appo-1", "appo", "ce5");
      const nginx = nginxHost(lab, "nginx-1", "ce5", real);
      await conform(lab, "change-domain", ["-e", `new_domain=${NEW}`, "-e", `old_domain=${old}`, "--limit", "nginx-1"], {
        hosts: ["nginx-1"],
        lines: { [nginx.conf]: [expectedLine(readReal(real), SERVER_NAME, old, NEW)] },
        calls: ["nginx -s reload"],
      });
      expectValidatedByNginx();
      await nginxAccepts(nginx.conf);
    });
  }

  it("nginx/paas-ce-v5.1.example.paas.conf, --limit to the nginx host: the old domain read on the paas host left out of the run, its port aside (PAAS_DOMAIN 'www.bking.com:443')", async function () {
    if (nginxMissing !== null) this.skip();
    const real = "nginx/paas-ce-v5.1.example.paas.conf";
    ce5Paas(lab, "paas-1", "www.bking.com:443", ".bking.com");
    agentHost(lab, "appo-1", "ce5", CE5_AGENT);
    const nginx = nginxHost(lab, "nginx-1", "ce5", real);
    await conform(lab, "change-domain", ["-e", `new_domain=${NEW}`, "--limit", "nginx-1"], {
      hosts: ["nginx-1"],
      lines: { [nginx.conf]: [expectedLine(readReal(real), SERVER_NAME, "www.bking.com", NEW)] },
      calls: ["nginx -s reload"],
    });
    expectValidatedByNginx();
    await nginxAccepts(nginx.conf);
  });

  it(`${CE5_AGENT} on ce5 with -e old_domain: the URL's host changes, scheme and comments kept, sid/token never shown`, async () => {
    lab.host("paas-1", "paas", "ce5");
    lab.host("nginx-1", "nginx", "ce5");
    const agent = agentHost(lab, "appo-1", "ce5", CE5_AGENT);
    const ran = await conform(lab, "change-domain", ["-e", `new_domain=${NEW}`, "-e", "old_domain=www.bking.com", "--limit", "appo-1"], {
      hosts: ["appo-1"],
      lines: { [agent.config]: [expectedLine(readReal(CE5_AGENT), CONTROLLER, "http://www.bking.com'", `http://${NEW}'`)] },
      calls: ["systemctl restart paasagent.service"],
    });
    const result = readFileSync(agent.config, "utf8");
    expect(result).to.include("  sid: bdb209f0-747a-4011-9c8b-9e10b2aceace  # agent sid\n");
    expectSameConfigBut(readReal(CE5_AGENT), result, `http://${NEW}`);
    expectHidden(ran.output, agentSecrets(readReal(CE5_AGENT)));
  });

  it("a bkce 6.x fleet (detected): refused before any change for nginx/ce6-bk-install.paas.conf, ce6-template and paas2 agent configs", async () => {
    ce6Paas(lab, "paas-1", { pinned: false });
    const nginx = nginxHost(lab, "nginx-1", "ce6", "nginx/ce6-bk-install.paas.conf", { pinned: false });
    agentHost(lab, "appo-1", "ce6", "paas-agent/ce6-template.paas_agent_config.yaml", { pinned: false });
    agentHost(lab, "appt-1", "ce6", "paas-agent/paas2-2.14.69.paas_agent_config.yaml", { pinned: false, group: "appt" });
    const output = await refused(lab, "change-domain", ["-e", `new_domain=${NEW}`], REFUSAL);
    expectHidden(output, agentSecrets(readReal("paas-agent/ce6-template.paas_agent_config.yaml")));
    // The untouched file is one nginx accepts, with the `main` log_format its nginx.conf defines.
    await nginxAccepts(nginx.conf);
  });

  for (const [group, real] of [["nginx", "nginx/ce6-bk-install.paas.conf"], ["appo", "paas-agent/ce6-template.paas_agent_config.yaml"], ["appo", "paas-agent/paas2-2.14.69.paas_agent_config.yaml"]] as const) {
    it(`${real} on ce6 (pinned), the only host in the run with -e old_domain: refused before any change`, async () => {
      lab.host("paas-1", "paas", "ce6");
      if (group === "nginx") {
        lab.host("appo-1", "appo", "ce6");
        nginxHost(lab, "x-1", "ce6", real);
      } else {
        lab.host("nginx-1", "nginx", "ce6");
        agentHost(lab, "x-1", "ce6", real);
      }
      await refused(lab, "change-domain", ["-e", `new_domain=${NEW}`, "-e", "old_domain=paas.bktencent.com", "--limit", "x-1"], REFUSAL);
    });
  }
});
