import { expect } from "chai";
import { bkView, hostMarkers, nodeView } from "../../src/generations/host-layout.js";
import { detectGeneration, detectionProblem } from "../../src/generations/markers.js";

const host = (vars: Record<string, unknown> = {}): { vars: Record<string, unknown> } => ({ vars });
/** Detection on a host holding `present` (paths, or path → content). */
const detect = (present: string[] | Record<string, string>, vars: Record<string, unknown> = {}): ReturnType<typeof detectGeneration> => {
  const files: Record<string, string> = Array.isArray(present) ? Object.fromEntries(present.map((p) => [p, ""])) : present;
  return detectGeneration(hostMarkers(host(vars)), { exists: (p) => p in files, content: (p) => files[p] });
};
const found = (d: ReturnType<typeof detectGeneration>): string => (d.kind === "found" ? d.generation : d.kind);

describe("generations: detected from marker files", () => {
  it("the seeds' layout: sources under open_paas/src (default root /data/paas)", () => {
    expect(detect(["/data/paas/open_paas/src"])).to.deep.include({ kind: "found", generation: "oss" });
  });

  it("bkce 5.x: the supervisor config of open_paas, or an agent's virtualenv build script", () => {
    expect(detect(["/data/bkce/etc/supervisor-open_paas.conf"])).to.deep.include({ kind: "found", generation: "ce5" });
    expect(detect(["/data/bkce/paas_agent/paas_agent/etc/build/virtualenv/build"])).to.deep.include({ kind: "found", generation: "ce5" });
  });

  it("bkce 6.x: bk-install's /etc/blueking/env or its systemd units, placed under bk_sysroot", () => {
    expect(detect(["/etc/blueking/env"])).to.deep.include({ kind: "found", generation: "ce6" });
    expect(detect(["/srv/h1/usr/lib/systemd/system/bk-paasagent.service"], { bk_sysroot: "/srv/h1/" })).to.deep.include({ kind: "found", generation: "ce6" });
  });

  it("paas_root from the inventory is where every generation's markers are looked for", () => {
    expect(detect(["/opt/bk/open_paas/esb/conf/settings_production.py"], { paas_root: "/opt/bk" })).to.deep.include({ kind: "found", generation: "ce6" });
    const miss = detect(["/data/bkce/open_paas/esb/conf/settings_production.py"], { paas_root: "/opt/bk" });
    expect(miss.kind === "unknown" ? miss.looked : miss).to.include("/opt/bk/open_paas/esb/conf/settings_production.py").and.not.include("/data/bkce/open_paas/esb/conf/settings_production.py");
  });

  it("no marker, or markers of two generations: refused, naming what was found and what to do", () => {
    const none = detect([]);
    expect(none.kind).to.equal("unknown");
    if (none.kind !== "found") expect(detectionProblem(none)).to.match(/none of the marker files exists .*set bk_generation/);
    const both = detect(["/data/bkce/etc/supervisor-open_paas.conf", "/etc/blueking/env"]);
    expect(both.kind).to.equal("ambiguous");
    if (both.kind !== "found") expect(detectionProblem(both)).to.match(/several BlueKing generations \(ce5: \/data\/bkce\/etc\/supervisor-open_paas\.conf; ce6: \/etc\/blueking\/env\)/);
  });

  it("each generation's paths, as BLUEKING.md gives them", () => {
    expect(bkView(host(), "oss")).to.include({ paas_settings: "/data/paas/open_paas/src/paas/conf/settings_production.py", esb_settings: "/data/paas/open_paas/src/esb/configs/default.py", agent_build: "/data/paas/paas_agent/etc/build/build", agent_buildsaas: null, nginx_paas_conf: null });
    expect(bkView(host(), "ce5")).to.include({ esb_settings: "/data/bkce/open_paas/esb/configs/default.py", agent_config: "/data/bkce/etc/paas_agent_config.yaml", agent_build: "/data/bkce/paas_agent/paas_agent/etc/build/virtualenv/build", agent_buildsaas: "/data/bkce/paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas", nginx_paas_conf: "/data/bkce/etc/nginx/paas.conf" });
    expect(bkView(host({ bk_sysroot: "/h" }), "ce6")).to.include({ esb_settings: "/data/bkce/open_paas/esb/conf/settings_production.py", agent_packages: "/data/bkce/paas_agent/support-files/pkgs", nginx_paas_conf: "/h/usr/local/openresty/nginx/conf/conf.d/paas.conf" });
  });

  it("bkce 7.x nodes keep no PaaS tree: no PaaS paths, only the node-side ones (GSE agent, hosts file) under bk_sysroot", () => {
    expect(bkView(host(), "ce7")).to.equal(null);
    expect(nodeView(host({ bk_sysroot: "/h" }), "ce7")).to.deep.equal({
      generation: "ce7", sysroot: "/h",
      gse_agent_conf: "/h/usr/local/gse/agent/etc/agent.conf", gse_agent2_conf: "/h/usr/local/gse/agent/etc/gse_agent.conf",
      gsectl: "/h/usr/local/gse/agent/bin/gsectl", hosts_file: "/h/etc/hosts",
    });
    expect(bkView(host(), "ce5")).to.include({ gsectl: "/usr/local/gse/agent/bin/gsectl", hosts_file: "/etc/hosts" });
  });
});

describe("generations: a GSE agent alone does not tell the generation (5.x and 6.x install it at /usr/local/gse too)", () => {
  const AGENT = "/usr/local/gse/agent/etc/agent.conf";
  const conf = (zkhost: string): string => `{\n    "log": "/var/log/gse",\n    "zkhost": "${zkhost}",\n    "ioport": 48533\n}\n`;

  it("bkce 7.x: agent.conf's zkhost still node-man's bk-zookeeper placeholder, or a k8s node on the NodePort 32181", () => {
    const placeholder = detect({ [AGENT]: conf("bk-zookeeper:2181") });
    expect(placeholder).to.deep.equal({ kind: "found", generation: "ce7", markers: [`${AGENT} (zkhost on bkce 7.x's zookeeper: bk-zookeeper or NodePort 32181)`] });
    expect(found(detect({ [AGENT]: conf("10.0.0.5:32181,10.0.0.6:32181") }))).to.equal("ce7");
    expect(found(detect({ [`/srv/h1${AGENT}`]: conf("10.0.0.5:32181") }, { bk_sysroot: "/srv/h1" }))).to.equal("ce7");
  });

  it("a 5.x agent (zookeeper IPs on 2181) or a 6.x one (zk.service.consul:2181) on a host with no PaaS tree: unknown, saying why", () => {
    for (const zk of ["10.0.0.1:2181,10.0.0.2:2181", "zk.service.consul:2181"]) {
      const d = detect({ [AGENT]: conf(zk) });
      expect(d.kind, zk).to.equal("unknown");
      if (d.kind !== "found") expect(detectionProblem(d)).to.include(`${AGENT} is a GSE agent whose zkhost is not bkce 7.x's zookeeper`).and.include("set bk_generation (oss, ce5, ce6, ce7)");
    }
  });

  it("a 5.x or 6.x PaaS host with its own GSE agent is that generation", () => {
    expect(found(detect({ "/data/bkce/etc/supervisor-open_paas.conf": "", [AGENT]: conf("10.0.0.1:2181") }))).to.equal("ce5");
    expect(found(detect({ "/etc/blueking/env": "", [AGENT]: conf("zk.service.consul:2181") }))).to.equal("ce6");
  });

  it("a 5.x PaaS host whose agent a 7.x node-man installed: two generations, refused with both named", () => {
    const d = detect({ "/data/bkce/etc/supervisor-open_paas.conf": "", [AGENT]: conf("bk-zookeeper:2181") });
    expect(d.kind).to.equal("ambiguous");
    if (d.kind !== "found") expect(detectionProblem(d)).to.match(/several BlueKing generations \(ce5: \/data\/bkce\/etc\/supervisor-open_paas\.conf; ce7: \/usr\/local\/gse\/agent\/etc\/agent\.conf/);
  });

  it("an agent.conf that is not JSON, or has no zkhost, marks nothing", () => {
    expect(found(detect({ [AGENT]: '{ "zkhost": "bk-zookeeper:2181", }' }))).to.equal("unknown");
    expect(found(detect({ [AGENT]: '{ "taskserver": [] }' }))).to.equal("unknown");
    expect(found(detect({ [AGENT]: "" }))).to.equal("unknown");
  });
});
