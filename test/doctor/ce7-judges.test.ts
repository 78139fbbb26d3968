import { expect } from "chai";
import { bkrepoResolve } from "../../src/doctor/checks/bkrepo-resolve.js";
import { gseZkhost } from "../../src/doctor/checks/gse-zkhost.js";
import type { Check, HostView } from "../../src/doctor/types.js";
import { nodeView } from "../../src/generations/host-layout.js";
import type { Host } from "../../src/inventory/types.js";
import { memoryFacts, type FactData } from "../support/memory-facts.js";

const AGENT = "/usr/local/gse/agent/etc/agent.conf";
const AGENT2 = "/usr/local/gse/agent/etc/gse_agent.conf";
const conf = (zk: string): string => `{\n    "log": "/var/log/gse",\n    "zkhost": "${zk}"\n}\n`;

/** A bkce 7.x node as a check sees it, holding `data`. */
function view(name: string, data: FactData, vars: Record<string, unknown> = {}): HostView {
  const host = { name, address: "10.0.0.1", port: 22, user: "root", groups: ["node"], vars } as unknown as Host;
  return { name, host, generation: "ce7", bk: null, node: nodeView(host, "ce7"), facts: memoryFacts(data).facts, bracket: { before: 0, after: 0 } };
}
const judge = (check: Check, hosts: HostView[]): string[] =>
  check.judge({ hosts, inventory: "hosts.yaml", groups: {} }).map((v) => `${v.outcome} ${v.hosts.join(",")}: ${v.fix?.command ?? v.message}`);

describe("doctor's judgements on bkce 7.x nodes (pure)", () => {
  it("gse.zkhost: the placeholder fails with the zookeeper the other nodes agree on, else NODE_IP to fill in", () => {
    const real = view("n1", { files: { [AGENT]: conf("10.0.0.5:32181") } });
    const broken = view("n2", { files: { [AGENT]: conf("bk-zookeeper:2181") } });
    expect(judge(gseZkhost, [real, broken])).to.deep.equal(["fail n2: bkplay plan gse-agent-zkhost -i hosts.yaml -l n2 -e zkhost=10.0.0.5:32181 -o gse-agent-zkhost.plan.json"]);
    const other = view("n3", { files: { [AGENT]: conf("10.0.0.6:32181") } });
    expect(judge(gseZkhost, [real, broken, other])).to.deep.equal(["fail n2: bkplay plan gse-agent-zkhost -i hosts.yaml -l n2 -e zkhost=NODE_IP:32181 -o gse-agent-zkhost.plan.json"]);
  });

  it("gse.zkhost: an agent 2.0 (gse_agent.conf only) or an agent.conf without zkhost has no zookeeper to judge; no config, or one that is not JSON, is unknown", () => {
    expect(judge(gseZkhost, [view("v2", { files: { [AGENT]: null, [AGENT2]: "{}" } })])).to.deep.equal([]);
    expect(judge(gseZkhost, [view("servers", { files: { [AGENT]: '{"taskserver": [{"ip": "10.0.0.5", "port": 48533}]}' } })])).to.deep.equal([]);
    expect(judge(gseZkhost, [view("none", { files: { [AGENT]: null, [AGENT2]: null } })])).to.deep.equal([`unknown none: ${AGENT} is missing (a GSE agent 1.0 keeps its config there; no agent 2.0 gse_agent.conf either)`]);
    expect(judge(gseZkhost, [view("bad", { files: { [AGENT]: '{"zkhost": "bk-zookeeper:2181",}' } })])).to.deep.equal([`unknown bad: ${AGENT} is not JSON: the agent cannot read it`]);
  });

  it("bkrepo.resolve: a name getent cannot find fails per domain; getent missing is unknown, never a failure", () => {
    const getent = (name: string, r: { exitCode: number; stdout?: string; stderr?: string }): FactData => ({ commands: { [`getent ahosts ${name}`]: r } });
    const ok = view("n1", getent("bkrepo.a.example", { exitCode: 0, stdout: "10.0.0.9 STREAM bkrepo.a.example\n" }), { bk_domain: "a.example" });
    const lost = view("n2", getent("bkrepo.a.example", { exitCode: 2 }), { bk_domain: "a.example" });
    const elsewhere = view("n3", getent("bkrepo.b.example", { exitCode: 2 }), { bk_domain: "b.example" });
    const bare = view("n4", getent("bkrepo.a.example", { exitCode: 127, stderr: "sh: getent: not found" }), { bk_domain: "a.example" });
    expect(judge(bkrepoResolve, [ok, lost, elsewhere, bare])).to.deep.equal([
      "unknown n4: could not ask the resolver (`getent ahosts bkrepo.a.example`: sh: getent: not found)",
      "fail n2: bkplay plan bkrepo-hosts -i hosts.yaml -l n2 -e bk_domain=a.example -e ip=10.0.0.9 -o bkrepo-hosts.plan.json",
      "fail n3: bkplay plan bkrepo-hosts -i hosts.yaml -l n3 -e bk_domain=b.example -e ip=INGRESS_IP -o bkrepo-hosts.plan.json",
    ]);
  });
});
