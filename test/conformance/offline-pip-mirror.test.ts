import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { agentSecrets, ce5Build, ce5BuildContinued, ce5BuildSaas, ce6Builder, OSS_ONLINE, ossBuild } from "./bk-fixtures.js";
import { expectedLine, type LineChange } from "./compare.js";
import { needRealFiles, readReal } from "./genuine.js";
import { agentHost } from "./hosts.js";
import { Lab, type LabHost } from "./lab.js";
import { conform, expectHidden, generations } from "./phases.js";

const CE5_AGENT = "paas-agent/paas-ce-v5.1.paas_agent_config.yaml";
const WHEEL = "bk_conformance_dep-1.0.0-py2.py3-none-any.whl";
const ONLINE = "-i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST";
const USE_PYPI = /^\s+USE_PYPI:/;

/** A tiny .tar.gz holding one (fake) wheel at its top level, as pip's --find-links wants it. */
function packages(lab: Lab): string {
  const dir = join(lab.dir, "python_pkgs");
  mkdirSync(dir);
  writeFileSync(join(dir, WHEEL), "not really a wheel: only its place is checked\n");
  const tarball = join(lab.dir, "python_pkgs.tar.gz");
  execFileSync("tar", ["-czf", tarball, "-C", dir, "."]);
  return tarball;
}

/** bash parses the script (what the agent runs it with). */
const bashParses = (path: string): void => { execFileSync("bash", ["-n", path]); };

/** The line each online pip command becomes, and back (revert). */
function offlineLines(text: string, mirror: string, online: string): LineChange[] {
  return text.split("\n").flatMap((line, i) => (line.includes(` ${online}`) ? [{ line: i + 1, before: line, after: line.replace(` ${online}`, ` --no-index --find-links=${mirror}`) }] : []));
}
const reverse = (changes: LineChange[]): LineChange[] => changes.map((c) => ({ line: c.line, before: c.after, after: c.before }));

describe("conformance: offline-pip-mirror × genuine agent configs and build scripts", function () {
  this.timeout(60_000);
  needRealFiles();
  let lab: Lab;
  beforeEach(() => { lab = new Lab(); });
  afterEach(() => { lab.remove(); });

  const builds = (h: LabHost): string[] => h.layout.agent_build_scripts.map((p) => h.at(p));

  it(`ce5 (detected) with ${CE5_AGENT}: both pip lines of build and buildsaas' uwsgi line go offline, buildsaas' own --find-links kept, the config untouched; revert restores the online form`, async () => {
    const agent = agentHost(lab, "appo-1", "ce5", CE5_AGENT, { pinned: false, builds: [ce5Build, ce5BuildSaas] });
    const [build = "", saas = ""] = builds(agent.host);
    const mirror = agent.host.at("paas_agent/pkg/python_pkgs");
    const tarball = packages(lab);
    const forward = { [build]: offlineLines(ce5Build, mirror, ONLINE), [saas]: offlineLines(ce5BuildSaas, mirror, ONLINE) };
    expect(forward[build]).to.have.length(2);
    expect(forward[saas]).to.have.length(1);
    const ran = await conform(lab, "offline-pip-mirror", ["-e", `packages=${tarball}`], { hosts: ["appo-1"], lines: forward, newUnder: [mirror], calls: [] });
    expect(generations(ran.applied)).to.deep.equal({ "appo-1": `ce5 (${build})` });
    expect(readdirSync(mirror)).to.include(WHEEL);
    for (const script of [build, saas]) bashParses(script);
    expect(readFileSync(saas, "utf8")).to.include("    pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs\n");
    expectHidden(ran.output, agentSecrets(readReal(CE5_AGENT)));

    await conform(lab, "offline-pip-mirror", ["-e", "revert=true"], {
      hosts: ["appo-1"],
      lines: { [build]: reverse(forward[build] ?? []), [saas]: reverse(forward[saas] ?? []) },
      calls: [],
    });
    expect(readFileSync(build, "utf8")).to.equal(ce5Build);
    expect(readFileSync(saas, "utf8")).to.equal(ce5BuildSaas);
  });

  it("ce5: a pip command continued with `\\` onto the next line becomes one offline command bash still parses", async () => {
    const agent = agentHost(lab, "appo-1", "ce5", CE5_AGENT, { builds: [ce5BuildContinued, ce5BuildSaas] });
    const [build = "", saas = ""] = builds(agent.host);
    const mirror = agent.host.at("paas_agent/pkg/python_pkgs");
    await conform(lab, "offline-pip-mirror", ["-e", `packages=${packages(lab)}`], {
      hosts: ["appo-1"],
      lines: { [saas]: offlineLines(ce5BuildSaas, mirror, ONLINE) },
      changed: [build],
      newUnder: [mirror],
      calls: [],
    });
    expect(readFileSync(build, "utf8")).to.equal(ce5BuildContinued.replace(` \\\n    ${ONLINE}`, ` --no-index --find-links=${mirror}`));
    bashParses(build);
  });

  it("oss (detected): the seeds' build script with a literal index; revert with online_index gives back the original bytes", async () => {
    const agent = agentHost(lab, "appo-1", "oss", CE5_AGENT, { pinned: false, builds: [ossBuild] });
    agent.host.put("paas_agent/bin/dashboard.sh", "#!/bin/sh\nexit 0\n");
    const [build = ""] = builds(agent.host);
    const mirror = agent.host.at("paas_agent/pkg/python_pkgs");
    const forward = offlineLines(ossBuild, mirror, OSS_ONLINE);
    expect(forward).to.have.length(1);
    const ran = await conform(lab, "offline-pip-mirror", ["-e", `packages=${packages(lab)}`], { hosts: ["appo-1"], lines: { [build]: forward }, newUnder: [mirror], calls: [] });
    expect(generations(ran.applied)).to.deep.equal({ "appo-1": `oss (${agent.host.at("paas_agent/bin/dashboard.sh")})` });
    bashParses(build);
    await conform(lab, "offline-pip-mirror", ["-e", "revert=true", "-e", `online_index=${OSS_ONLINE}`], { hosts: ["appo-1"], lines: { [build]: reverse(forward) }, calls: [] });
    expect(readFileSync(build, "utf8")).to.equal(ossBuild);
  });

  for (const real of ["paas-agent/ce6-template.paas_agent_config.yaml", "paas-agent/paas2-2.14.69.paas_agent_config.yaml"]) {
    it(`${real} on ce6: USE_PYPI 'false' (quotes kept), packages where the docker builder mounts them, the builder untouched; revert sets 'true' again`, async () => {
      const agent = agentHost(lab, "appo-1", "ce6", real, { builds: [ce6Builder, ce6Builder] });
      const pkgs = join(agent.host.root, "paas_agent/support-files/pkgs");
      const offline = expectedLine(readReal(real), USE_PYPI, "'true'", "'false'");
      const ran = await conform(lab, "offline-pip-mirror", ["-e", `packages=${packages(lab)}`], {
        hosts: ["appo-1"],
        lines: { [agent.config]: [offline] },
        newUnder: [pkgs],
        calls: ["systemctl restart bk-paasagent.service"],
      });
      expect(readdirSync(pkgs)).to.include(WHEEL);
      const was = parse(readReal(real)) as { settings: Record<string, unknown> };
      expect(parse(readFileSync(agent.config, "utf8"))).to.deep.equal({ ...was, settings: { ...was.settings, USE_PYPI: "false" } });
      for (const script of builds(agent.host)) bashParses(script);
      expectHidden(ran.output, agentSecrets(readReal(real)));

      await conform(lab, "offline-pip-mirror", ["-e", "revert=true"], {
        hosts: ["appo-1"],
        lines: { [agent.config]: [{ ...offline, before: offline.after, after: offline.before }] },
        calls: ["systemctl restart bk-paasagent.service"],
      });
      expect(readFileSync(agent.config, "utf8")).to.equal(readReal(real));
    });
  }
});
