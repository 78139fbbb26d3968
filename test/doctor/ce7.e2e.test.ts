import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DoctorReport } from "../../src/doctor/run-doctor.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { logOf } from "../playbooks/sandbox-checks.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { doctor, expectNoSecret, snapshotHosts } from "./support.js";

/** Findings of the run, as `check outcome hosts`. */
const seen = (r: DoctorReport): string[] => r.findings.map((f) => `${f.check} ${f.outcome} ${[...f.hosts].sort().join(",")}`);

const AGENT_CONF = "usr/local/gse/agent/etc/agent.conf";
const BKREPO_LINE = "127.0.0.1 bkrepo.bkce7.bktencent.com\n";

describe("doctor on bkce 7.x nodes: gse.zkhost and bkrepo.resolve, broken for real and fixed with the command it names (3 nodes, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(3, "sshd", "ce7");
  const node = (i: number): SandboxHost => {
    const h = f.fleet().hosts[i];
    if (!h) throw new Error(`no node ${i}`);
    return h;
  };
  const inv = (): string => f.fleet().inventoryFile;
  const setZk = (h: SandboxHost, zk: string): void => {
    const file = join(h.sysroot, AGENT_CONF);
    writeFileSync(file, readFileSync(file, "utf8").replace(/"zkhost": "[^"]*"/, `"zkhost": "${zk}"`));
  };
  /** Doctor, checked to have written nothing on any node and to show no secret in any output. */
  const readOnlyDoctor = async (inventory = inv()): Promise<{ code: number; report: DoctorReport }> => {
    const before = snapshotHosts(join(f.dir(), "hosts"));
    const md = join(f.dir(), "doctor.md");
    const { run, report } = await doctor(["-i", inventory, "--report", md]);
    const text = await bkplay(["doctor", "-i", inventory]);
    const after = snapshotHosts(join(f.dir(), "hosts"));
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).to.deep.equal([]);
    expectNoSecret(f.fleet(), [run.stdout, run.stderr, text.stdout, text.stderr, readFileSync(md, "utf8")]);
    expect(text.code).to.equal(run.code);
    return { code: run.code, report };
  };
  /** The fix's command as the operator would type it (in the fleet's folder, where -o writes the plan), then the plan applied. */
  const runFix = async (command: string): Promise<{ plan: CliResult; apply: CliResult }> => {
    const [bin, ...args] = command.split(" ");
    expect(bin).to.equal("bkplay");
    const audit = ["--log-dir", join(f.dir(), "audit")];
    const plan = await bkplay([...args, ...audit], { cwd: f.dir() });
    const file = args[args.indexOf("-o") + 1] ?? "";
    const apply = plan.code === 0 ? await bkplay(["apply", join(f.dir(), file), ...audit], { cwd: f.dir() }) : plan;
    return { plan, apply };
  };
  afterEach(() => f.reset());

  it("gse.zkhost: node-man's placeholder on one node is named, with the zookeeper the others use; the command it gives fixes it", async () => {
    setZk(node(1), "bk-zookeeper:2181");
    const { code, report } = await readOnlyDoctor();
    expect(code).to.equal(1);
    expect(seen(report)).to.deep.equal([`gse.zkhost fail ${node(1).name}`]);
    const [finding] = report.findings;
    expect(finding?.evidence).to.deep.equal([`${node(1).name}: ${join(node(1).sysroot, AGENT_CONF)}: "zkhost": "bk-zookeeper:2181"`]);
    const command = `bkplay plan gse-agent-zkhost -i ${inv()} -l ${node(1).name} -e zkhost=127.0.0.1:32181 -o gse-agent-zkhost.plan.json`;
    expect(finding?.fix?.command).to.equal(command);

    const { plan, apply } = await runFix(command);
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(logOf(join(node(1).root, "logs/gsectl.log"))).to.equal("restart zkhost=127.0.0.1:32181\n");
    expect(seen((await readOnlyDoctor()).report)).to.deep.equal([]);
  });

  it("gse.zkhost: the placeholder on every node leaves the address to the operator (NODE_IP), which the playbook refuses as it is", async () => {
    for (const i of [0, 1, 2]) setZk(node(i), "bk-zookeeper:2181");
    const { report } = await readOnlyDoctor();
    const names = [0, 1, 2].map((i) => node(i).name);
    expect(seen(report)).to.deep.equal([`gse.zkhost fail ${names.join(",")}`]);
    const fix = report.findings[0]?.fix;
    expect(fix?.command).to.equal(`bkplay plan gse-agent-zkhost -i ${inv()} -l ${names.join(",")} -e zkhost=NODE_IP:32181 -o gse-agent-zkhost.plan.json`);
    expect(fix?.text.en).to.include("any k8s node IP on the NodePort 32181 (kubectl get nodes -o wide");
    expect(fix?.text.zh).to.include("任意 k8s node IP 加 NodePort 32181");
    const { plan } = await runFix(fix?.command ?? "");
    expect(plan.code, "NODE_IP is not an address: bad input").to.equal(2);
    expect(plan.stderr).to.include('item 0 "NODE_IP:32181" must match pattern');
  });

  it("bkrepo.resolve: a node whose /etc/hosts lost the bkrepo line is named, with the address the others resolve it to; the command it gives fixes it", async () => {
    const h = node(2);
    const file = join(h.sysroot, "etc/hosts");
    writeFileSync(file, readFileSync(file, "utf8").replace(BKREPO_LINE, ""));
    const { code, report } = await readOnlyDoctor();
    expect(code).to.equal(1);
    expect(seen(report)).to.deep.equal([`bkrepo.resolve fail ${h.name}`]);
    const command = `bkplay plan bkrepo-hosts -i ${inv()} -l ${h.name} -e bk_domain=bkce7.bktencent.com -e ip=127.0.0.1 -o bkrepo-hosts.plan.json`;
    expect(report.findings[0]?.fix?.command).to.equal(command);
    expect(report.findings[0]?.message).to.include("bkrepo.bkce7.bktencent.com does not resolve on").and.include("(the other nodes resolve it to 127.0.0.1)");

    const { plan, apply } = await runFix(command);
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(readFileSync(file, "utf8")).to.include(BKREPO_LINE);
    expect(seen((await readOnlyDoctor()).report)).to.deep.equal([]);
  });

  it("bkrepo.resolve is unknown, never a failure, when the inventory does not give bk_domain", async () => {
    const vars = Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { bk_domain: "" }]));
    const { code, report } = await readOnlyDoctor(writeInventory(f.fleet(), join(f.dir(), "no-domain.yaml"), { vars }));
    expect(code).to.equal(0);
    expect(seen(report)).to.deep.equal([`bkrepo.resolve unknown ${f.fleet().hosts.map((h) => h.name).join(",")}`]);
    expect(report.findings[0]?.message).to.include("the inventory does not give bk_domain");
  });
});
