import { expect } from "chai";
import { bkView, hostMarkers } from "../../src/generations/host-layout.js";
import { detectGeneration, detectionProblem } from "../../src/generations/markers.js";

const host = (vars: Record<string, unknown> = {}): { vars: Record<string, unknown> } => ({ vars });
const detect = (present: string[], vars: Record<string, unknown> = {}): ReturnType<typeof detectGeneration> =>
  detectGeneration(hostMarkers(host(vars)), (p) => present.includes(p));

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
    expect(detect(["/data/bkce/open_paas/esb/conf/settings_production.py"], { paas_root: "/opt/bk" })).to.deep.equal({ kind: "unknown", looked: hostMarkers(host({ paas_root: "/opt/bk" })).flatMap((m) => m.paths) });
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
});
