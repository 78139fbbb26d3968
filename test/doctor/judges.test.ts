import { expect } from "chai";
import { saasRoutes } from "../../src/doctor/checks/agent-listener.js";
import { serverNames } from "../../src/doctor/checks/domain-consistency.js";
import { foldersWithoutInit } from "../../src/doctor/checks/esb-components.js";
import { loginConsistency } from "../../src/doctor/checks/login-consistency.js";
import { skewOf } from "../../src/doctor/checks/time-skew.js";
import { planCommand, pyEffective } from "../../src/doctor/read.js";
import type { HostView } from "../../src/doctor/types.js";
import { bkView, nodeView } from "../../src/generations/host-layout.js";
import type { Host } from "../../src/inventory/types.js";
import { memoryFacts } from "../support/memory-facts.js";

describe("doctor's judgements (pure)", () => {
  it("time.skew: the host's reading against the round trip's window, ns or whole seconds", () => {
    const t = 1_796_000_000_000;
    const bracket = { before: t, after: t + 200 };
    const ns = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
    expect(skewOf({ bracket }, ns(t + 100))).to.deep.equal({ skewMs: 0, boundMs: 200 });
    expect(skewOf({ bracket }, ns(t + 200 + 61_000))).to.deep.equal({ skewMs: 61_000, boundMs: 200 });
    expect(skewOf({ bracket }, ns(t - 70_000))).to.deep.equal({ skewMs: -70_000, boundMs: 200 });
    // Whole seconds (no %N): the reading may be up to a second low.
    expect(skewOf({ bracket }, `${t / 1000}`)).to.deep.equal({ skewMs: 0, boundMs: 1200 });
    expect(skewOf({ bracket }, "%N")).to.equal(undefined);
  });

  it("agent.listener: /t/ and /o/ upstreams with their servers; a target built from variables (6.x) is left out", () => {
    const conf = `upstream PAAS_AGENT_TEST {\n    server 10.0.0.3:8010 max_fails=1;\n    server 10.0.0.4:8010;\n}\n# upstream OLD { server 1.1.1.1:1; }\nserver {\n    location ~ ^/t/ {\n        proxy_pass http://PAAS_AGENT_TEST;\n    }\n    location ~ ^/o/([^/]+) {\n        proxy_pass http://$app;\n    }\n    location ~ ^/login/(.*) {\n        proxy_pass http://OPEN_PAAS_LOGIN/$1;\n    }\n}\n`;
    expect(saasRoutes(conf)).to.deep.equal([{ prefix: "/t/", upstream: "PAAS_AGENT_TEST", servers: ["10.0.0.3:8010", "10.0.0.4:8010"] }]);
  });

  it("domain.consistency: every server_name, comments dropped", () => {
    expect(serverNames("server {\n  server_name  paas.bk.com paas.service.consul;\n  # server_name old.bk.com;\n}\nserver { server_name _; }")).to.deep.equal(["paas.bk.com", "paas.service.consul", "_"]);
  });

  it("esb.components: folders holding code without __init__.py, under generic/ only", () => {
    const d = (rel: string) => ({ rel, type: "dir" as const, mode: 0o755, owner: "root", group: "root" });
    const f = (rel: string) => ({ rel, type: "file" as const, mode: 0o644, owner: "root", group: "root" });
    const tree = [d(""), f("__init__.py"), d("generic"), f("generic/__init__.py"), d("generic/apis"), d("generic/apis/sys_a"), f("generic/apis/sys_a/comp.py"), d("generic/apis/empty"), d("bk"), d("bk/apis"), f("bk/apis/x.py"), d("generic/apis/sys_a/__pycache__")];
    expect(foldersWithoutInit(tree)).to.deep.equal(["generic/apis", "generic/apis/sys_a"]);
  });

  it("reads as Python runs it: the last file that sets a name wins", () => {
    const files = [{ path: "default.py", exists: true, content: "EVENT_STATE_EXPIRE_SECONDS = 360\n" }, { path: "settings_production.py", exists: true, content: "X = 1\nEVENT_STATE_EXPIRE_SECONDS = 900  # over the default\n" }];
    expect(pyEffective(files, "EVENT_STATE_EXPIRE_SECONDS")).to.deep.equal({ value: 900, file: "settings_production.py", line: 2 });
    expect(pyEffective(files.slice(0, 1), "EVENT_STATE_EXPIRE_SECONDS")?.value).to.equal(360);
  });

  it("fix command lines are typed as an operator would, quoted only where the shell needs it", () => {
    expect(planCommand("change-domain", "my hosts.yaml", { new_domain: "paas.example.com" })).to.equal("bkplay plan change-domain -i 'my hosts.yaml' -e new_domain=paas.example.com -o change-domain.plan.json");
  });

  it("login.consistency: the fix takes the version most PaaS hosts hold, and leaves another install's PaaS hosts out", () => {
    const view = (name: string, key: string): HostView => {
      const host = { name, vars: {} } as unknown as Host;
      const bk = bkView(host, "ce5");
      if (!bk) throw new Error("ce5 keeps a PaaS tree");
      return { name, host, generation: "ce5", bk, node: nodeView(host, "ce5"), facts: memoryFacts({ files: { [bk.login_settings]: `DEBUG = False\nSECRET_KEY = '${key}'\n` } }).facts, bracket: { before: 0, after: 0 } };
    };
    const hosts = [view("p1", "Odd4key5value6"), view("p2", "Kept7key8value9"), view("p3", "Kept7key8value9")];
    const [verdict] = loginConsistency.judge({ hosts, inventory: "hosts.yaml", groups: { paas: ["p1", "p2", "p3"] } });
    expect(verdict).to.deep.include({ outcome: "fail", hosts: ["p2", "p1"], message: "login settings differ between PaaS hosts: SECRET_KEY (p1 differs from p2, p3)" });
    expect(verdict?.fix?.command).to.equal("bkplay plan sync-login-settings -i hosts.yaml -e source=p2 -o sync-login-settings.plan.json");
    expect(verdict?.fix?.text.en).to.equal("make login's settings_production.py the same on every PaaS host, taking p2's: the version most PaaS hosts hold (2 of 3); login restarts where the file changed");
    expect(JSON.stringify(verdict)).to.not.include("Kept7key8value9").and.not.include("Odd4key5value6");
    const [mixed] = loginConsistency.judge({ hosts, inventory: "hosts.yaml", groups: { paas: ["p1", "q6", "p2", "p3"] } });
    expect(mixed?.fix?.command).to.equal("bkplay plan sync-login-settings -i hosts.yaml -l p1,p2,p3 -e source=p2 -o sync-login-settings.plan.json");
  });
});
