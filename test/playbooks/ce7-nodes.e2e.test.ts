import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { sandboxVars, type SandboxHost } from "../../src/sandbox/fleet-files.js";
import { DNS_ZONE } from "../../src/sandbox/standins/getent.js";
import { ZK_AUTH } from "../../src/sandbox/trees/secrets.js";
import { bkplay } from "../support/cli.js";
import { snapshotHosts } from "../doctor/support.js";
import { countingHost } from "../support/counting-host.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { changedHosts, edited, logOf, notOk, runJson, treeChanges, warningsOf } from "./sandbox-checks.js";

const AGENT_CONF = "usr/local/gse/agent/etc/agent.conf";
const PLACEHOLDER = '"zkhost": "bk-zookeeper:2181"';
const HEALTHY = '"zkhost": "127.0.0.1:32181"';
const BKREPO = "bkrepo.bkce7.bktencent.com";

describe("bkce 7.x nodes: gse-agent-zkhost and bkrepo-hosts (3 nodes, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(3, "sshd", "ce7");
  const hosts = (): SandboxHost[] => f.fleet().hosts;
  const node = (i: number): SandboxHost => {
    const h = hosts()[i];
    if (!h) throw new Error(`no node ${i}`);
    return h;
  };
  const inv = (): string => f.fleet().inventoryFile;
  const names = (hs: readonly SandboxHost[]): string[] => hs.map((h) => h.name);
  const conf = (h: SandboxHost): string => join(h.sysroot, AGENT_CONF);
  const hostsFile = (h: SandboxHost): string => join(h.sysroot, "etc/hosts");
  /** Every byte and mtime of every node (the sandbox's own sshd.log aside). */
  const snapshot = (): Record<string, string> => snapshotHosts(join(f.dir(), "hosts"));
  /** What each node's gsectl stand-in accepted since the fleet's last reset, `<host> <call>`. */
  const gsectlCalls = (): string[] => hosts().flatMap((h) => logOf(join(h.root, "logs/gsectl.log")).split("\n").filter(Boolean).map((l) => `${h.name} ${l}`));
  /** How the node resolves a name, through its own getent (its /etc/hosts, its DNS): the addresses, or the exit code. */
  const resolve = (h: SandboxHost, name: string): string => {
    const r = spawnSync(join(h.sysroot, "usr/bin/getent"), ["ahosts", name], { encoding: "utf8" });
    return r.status === 0 ? [...new Set(r.stdout.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]))].join(",") : `exit ${r.status ?? -1}`;
  };
  /** Every output of a run, text and JSON, for grepping: no secret may show in any. */
  const expectNoSecret = (...outputs: string[]): void => { for (const o of outputs) expect(o.includes(ZK_AUTH), "zkauth shows").to.equal(false); };
  afterEach(() => f.reset());

  describe("gse-agent-zkhost", () => {
    const ZK = ["-e", "zkhost=10.0.0.5:32181,10.0.0.6:32181"];
    const FIXED = '"zkhost": "10.0.0.5:32181,10.0.0.6:32181"';

    it("node-man's placeholder on two nodes: --check writes nothing; apply changes zkhost alone and restarts their agents through gsectl; again: nothing", async () => {
      const broken = [node(0), node(1)];
      for (const h of broken) writeFileSync(conf(h), edited(readFileSync(conf(h), "utf8"), [HEALTHY, PLACEHOLDER]));
      const before = new Map(hosts().map((h) => [h.name, readFileSync(conf(h), "utf8")]));
      const fresh = snapshot();

      const check = await runJson("gse-agent-zkhost", inv(), ...ZK, "--check");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(changedHosts(check.report)).to.have.members(names(broken));
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing (bytes and mtimes)").to.deep.equal([]);
      expect(gsectlCalls()).to.deep.equal([]);
      const diff = await bkplay(["run", "gse-agent-zkhost", "-i", inv(), ...ZK, "--check", "--diff"]);
      expect(diff.stdout).to.include(`-    ${PLACEHOLDER},\n+    ${FIXED},\n`).and.include('"zkauth": "••••"');
      expectNoSecret(check.stdout, check.stderr, diff.stdout, diff.stderr);

      const applied = await runJson("gse-agent-zkhost", inv(), ...ZK);
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(changedHosts(applied.report)).to.have.members(names(broken));
      expect(applied.report.hosts.map((h) => h.generation?.name)).to.deep.equal(["ce7", "ce7", "ce7"]);
      for (const h of broken) expect(readFileSync(conf(h), "utf8"), h.name).to.equal(edited(before.get(h.name) ?? "", [PLACEHOLDER, FIXED]));
      expect(readFileSync(conf(node(2)), "utf8")).to.equal(before.get(node(2).name));
      // The agents restarted once each, and read the new zookeeper as they started.
      expect(gsectlCalls()).to.have.members(broken.map((h) => `${h.name} restart zkhost=10.0.0.5:32181,10.0.0.6:32181`));
      expectNoSecret(applied.stdout, applied.stderr);

      const settled = snapshot();
      const again = await runJson("gse-agent-zkhost", inv(), ...ZK);
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);
      expect(gsectlCalls()).to.have.length(2);
    });

    it("a real zookeeper someone set is left alone and named as a warning; -e force=true replaces it", async () => {
      const h = node(2);
      writeFileSync(conf(h), edited(readFileSync(conf(h), "utf8"), [HEALTHY, '"zkhost": "10.9.9.9:32181"']));
      const fresh = snapshot();
      const left = await runJson("gse-agent-zkhost", inv(), ...ZK);
      expect(left.code, left.stdout + left.stderr).to.equal(0);
      expect(changedHosts(left.report)).to.deep.equal([]);
      expect(warningsOf(left.report, h.name).join("\n")).to.include(`left /zkhost in ${conf(h)} as it is: it is "10.9.9.9:32181", not "bk-zookeeper:2181"; a real zookeeper address is left alone; check it, then -e force=true replaces it`);
      expect(treeChanges(fresh, snapshot())).to.deep.equal([]);
      expect(gsectlCalls()).to.deep.equal([]);

      const forced = await runJson("gse-agent-zkhost", inv(), ...ZK, "-e", "force=true");
      expect(forced.code, forced.stdout + forced.stderr).to.equal(0);
      // force rewrites every node whose zkhost is not the one given: all three here.
      expect(changedHosts(forced.report)).to.have.members(names(hosts()));
      for (const n of hosts()) expect(readFileSync(conf(n), "utf8"), n.name).to.include(FIXED);
      expect(gsectlCalls()).to.have.members(hosts().map((n) => `${n.name} restart zkhost=10.0.0.5:32181,10.0.0.6:32181`));
    });

    it("a node whose zookeeper is on 2181 is no longer told from a 5.x agent: refused until bk_generation pins it, then left with the warning", async () => {
      const h = node(1);
      writeFileSync(conf(h), edited(readFileSync(conf(h), "utf8"), [HEALTHY, '"zkhost": "10.1.1.1:2181"']));
      const fresh = snapshot();
      const refused = await runJson("gse-agent-zkhost", inv(), ...ZK);
      expect(refused.code).to.equal(1);
      const host = refused.report.hosts.find((x) => x.host === h.name);
      expect(host?.error).to.include("cannot tell which BlueKing this host runs").and.include(`${conf(h)} is a GSE agent whose zkhost is not bkce 7.x's zookeeper`);
      expect(treeChanges(fresh, snapshot())).to.deep.equal([]);

      const pinned = writeInventory(f.fleet(), join(f.dir(), "pinned.yaml"), { vars: { [h.name]: { bk_generation: "ce7" } } });
      const r = await runJson("gse-agent-zkhost", pinned, ...ZK);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(changedHosts(r.report)).to.deep.equal([]);
      expect(warningsOf(r.report, h.name).join("\n")).to.include('it is "10.1.1.1:2181", not "bk-zookeeper:2181"');
    });

    it("an agent.conf that is not JSON refuses its node, located in the file; no node is changed", async () => {
      writeFileSync(conf(node(0)), edited(readFileSync(conf(node(0)), "utf8"), [HEALTHY, PLACEHOLDER]));
      const h = node(1);
      // A trailing comma, as a hand edit leaves it. Not JSON, the file marks nothing: the node is pinned, as an operator would.
      writeFileSync(conf(h), readFileSync(conf(h), "utf8").replace(/\n}\n$/, ",\n}\n"));
      const pinned = writeInventory(f.fleet(), join(f.dir(), "pinned.yaml"), { vars: { [h.name]: { bk_generation: "ce7" } } });
      const fresh = snapshot();
      const r = await runJson("gse-agent-zkhost", pinned, ...ZK);
      expect(r.code).to.equal(1);
      const lines = readFileSync(conf(h), "utf8").split("\n").length - 1;
      expect(r.report.hosts.find((x) => x.host === h.name)?.error).to.include(`${conf(h)} is not JSON: line ${lines}, column 1: expected a member name in double quotes, found '}'`);
      expect(treeChanges(fresh, snapshot()), "the fleet gate: no node changed").to.deep.equal([]);
      expect(gsectlCalls()).to.deep.equal([]);
    });
  });

  describe("bkrepo-hosts", () => {
    const ARGS = ["-e", "bk_domain=bkce7.bktencent.com", "-e", "ip=127.0.0.1"];
    const LINE = `127.0.0.1 ${BKREPO}`;

    it("a node without the bkrepo line and one sending it elsewhere: --check writes nothing; apply maps it on both, the conflicting line replaced in place; again: nothing", async () => {
      const [missing, wrong, fine] = [node(0), node(1), node(2)];
      const original = readFileSync(hostsFile(missing), "utf8");
      writeFileSync(hostsFile(missing), edited(original, [`${LINE}\n`, ""]));
      writeFileSync(hostsFile(wrong), edited(original, [LINE, `10.0.0.1 ${BKREPO}  # the old ingress`]));
      // The fault is real: the first node cannot resolve the name, the second resolves it elsewhere.
      expect([missing, wrong, fine].map((h) => resolve(h, BKREPO))).to.deep.equal(["exit 2", "10.0.0.1", "127.0.0.1"]);
      const fresh = snapshot();

      const check = await runJson("bkrepo-hosts", inv(), ...ARGS, "--check");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(changedHosts(check.report)).to.have.members([missing.name, wrong.name]);
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing (bytes and mtimes)").to.deep.equal([]);
      const diff = await bkplay(["run", "bkrepo-hosts", "-i", inv(), ...ARGS, "--check", "--diff"]);
      expect(diff.stdout).to.include(`-10.0.0.1 ${BKREPO}  # the old ingress\n+${LINE}\n`).and.include(`+${LINE}\n`);

      const applied = await runJson("bkrepo-hosts", inv(), ...ARGS);
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(changedHosts(applied.report)).to.have.members([missing.name, wrong.name]);
      expect(readFileSync(hostsFile(missing), "utf8")).to.equal(`${edited(original, [`${LINE}\n`, ""])}${LINE}\n`);
      expect(readFileSync(hostsFile(wrong), "utf8"), "replaced in its place: the node's file as it was").to.equal(original);
      expect([missing, wrong, fine].map((h) => resolve(h, BKREPO))).to.deep.equal(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);

      const settled = snapshot();
      const again = await runJson("bkrepo-hosts", inv(), ...ARGS);
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);
    });

    it("a name the node resolves to the address through DNS needs no line; one DNS sends elsewhere gets it, with a warning", async () => {
      const [dns, elsewhere] = [node(0), node(1)];
      for (const h of [dns, elsewhere]) writeFileSync(hostsFile(h), edited(readFileSync(hostsFile(h), "utf8"), [`${LINE}\n`, ""]));
      writeFileSync(join(dns.sysroot, DNS_ZONE), `127.0.0.1 ${BKREPO}\n`);
      writeFileSync(join(elsewhere.sysroot, DNS_ZONE), `10.0.0.8 ${BKREPO}\n`);
      expect([dns, elsewhere].map((h) => resolve(h, BKREPO))).to.deep.equal(["127.0.0.1", "10.0.0.8"]);
      const dnsHosts = readFileSync(hostsFile(dns), "utf8");

      const r = await runJson("bkrepo-hosts", inv(), ...ARGS);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(changedHosts(r.report)).to.deep.equal([elsewhere.name]);
      expect(readFileSync(hostsFile(dns), "utf8")).to.equal(dnsHosts);
      expect(warningsOf(r.report, dns.name).join("\n")).to.include(`${BKREPO} already resolves to 127.0.0.1 (DNS): no line needed`);
      expect(warningsOf(r.report, elsewhere.name).join("\n")).to.include(`${BKREPO} resolves to 10.0.0.8 through DNS: the hosts line now sends it to 127.0.0.1`);
      expect(resolve(elsewhere, BKREPO)).to.equal("127.0.0.1");
    });

    it("the other names given: each its own line, one already mapped left as it is", async () => {
      const h = node(0);
      const before = readFileSync(hostsFile(h), "utf8");
      const r = await runJson("bkrepo-hosts", inv(), ...ARGS, "-e", "also=docker.bkce7.bktencent.com,bknodeman.bkce7.bktencent.com", "-l", h.name);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(readFileSync(hostsFile(h), "utf8")).to.equal(`${before}127.0.0.1 bknodeman.bkce7.bktencent.com\n`);
    });

    it("the host's own /etc/hosts is written, never the machine's", async () => {
      const machine = readFileSync("/etc/hosts", "utf8");
      writeFileSync(hostsFile(node(0)), "127.0.0.1\tlocalhost\n");
      const r = await runJson("bkrepo-hosts", inv(), ...ARGS, "-l", node(0).name);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(readFileSync(hostsFile(node(0)), "utf8")).to.equal(`127.0.0.1\tlocalhost\n${LINE}\n`);
      expect(readFileSync("/etc/hosts", "utf8")).to.equal(machine);
    });
  });

  describe("the PaaS playbooks on bkce 7.x nodes (PaaS runs in Kubernetes)", () => {
    /** The nodes put in the PaaS groups, as a mistaken inventory would; `pin` adds bk_generation: ce7. */
    const paasInventory = (pin: boolean): string => {
      const entry = (h: SandboxHost): Record<string, unknown> => ({ [h.name]: { address: h.address, port: h.port, vars: { ...sandboxVars(h), ...(pin ? { bk_generation: "ce7" } : {}) } } });
      const doc = { ssh: { identity_file: f.fleet().identityFile, known_hosts: f.fleet().knownHostsFile }, groups: { paas: { hosts: entry(node(0)) }, nginx: { hosts: entry(node(0)) }, appo: { hosts: entry(node(1)) } } };
      const file = join(f.dir(), `paas-${String(pin)}.yaml`);
      writeFileSync(file, stringify(doc));
      return file;
    };
    const WHY = "does not apply here: bkce 7.x runs PaaS in Kubernetes and its nodes keep no PaaS files";

    const PAAS_PLAYBOOKS: readonly (readonly [string, readonly string[]])[] = [
      ["raise-deploy-timeout", []],
      ["change-domain", ["-e", "new_domain=paas.example.com"]],
      ["offline-pip-mirror", ["-e", "revert=true"]],
      ["esb-add-component-deps", ["-e", "packages=requests==2.31.0", "-e", "component_path=generic/apis/my_sys"]],
      ["sync-login-settings", []],
      ["clean-stale-app-run", []],
      ["agent-nginx-listen", []],
      ["set-cc-job-hosts", ["-e", "cc_host=cmdb.example.com:80"]],
      ["reset-admin-password", []],
    ];
    // reset-admin-password's secret, from the environment as an operator gives it.
    const env = { BKPLAY_VAR_password: "Node#Secret7x" };
    for (const [playbook, args] of PAAS_PLAYBOOKS) {
      it(`${playbook}: refused on the nodes found to be ce7 (exit 1), and before any connection when bk_generation says so (exit 2); nothing written`, async () => {
        const fresh = snapshot();
        const found = await bkplay(["run", playbook, "-i", paasInventory(false), ...args], { env });
        expect(found.code, found.stdout + found.stderr).to.equal(1);
        expect(found.stdout + found.stderr).to.include(`${playbook} ${WHY}`);
        const pinned = await bkplay(["run", playbook, "-i", paasInventory(true), ...args], { env });
        expect(pinned.code, pinned.stdout + pinned.stderr).to.equal(2);
        expect(pinned.stderr).to.include(`${playbook} ${WHY}`);
        expect(treeChanges(fresh, snapshot())).to.deep.equal([]);
      });
    }
  });

  describe("bad input: exit 2, located, no host contacted", () => {
    let dir = "";
    let host: Awaited<ReturnType<typeof countingHost>>;
    before(async () => {
      host = await countingHost();
      dir = mkdtempSync(join(tmpdir(), "bkplay-ce7-input-"));
    });
    after(async () => {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const inventory = (): string => {
      const file = join(dir, "hosts.yaml");
      writeFileSync(file, `groups:\n  node:\n    hosts:\n      node-1: { address: 127.0.0.1, port: ${host.port}, vars: { bk_generation: ce7 } }\n`);
      return file;
    };

    for (const [playbook, args, fragment] of [
      ["gse-agent-zkhost", ["-e", "zkhost=NODE_IP:32181"], '-e zkhost: ["NODE_IP:32181"] item 0 "NODE_IP:32181" must match pattern'],
      ["gse-agent-zkhost", ["-e", "zkhost=10.0.0.5:32181,10.0.0.6:70000"], 'item 1 "10.0.0.6:70000" must match pattern'],
      ["gse-agent-zkhost", ["-e", "zkhost=10.0.0.256:32181"], 'item 0 "10.0.0.256:32181" must match pattern'],
      ["gse-agent-zkhost", [], "missing required variable 'zkhost'"],
      ["bkrepo-hosts", ["-e", "bk_domain=bkce7.bktencent.com", "-e", "ip=INGRESS_IP"], '-e ip: "INGRESS_IP" must match format "ipv4"'],
      ["bkrepo-hosts", ["-e", "bk_domain=bkce7.bktencent.com", "-e", "ip=10.0.0.9", "-e", "also=docker.bk;rm"], 'item 0 "docker.bk;rm" must match format "hostname"'],
      ["bkrepo-hosts", ["-e", "bk_domain=bkce7", "-e", "ip=10.0.0.9"], '-e bk_domain: "bkce7" must match pattern'],
    ] as const) {
      it(`${playbook} ${args.join(" ")}`, async () => {
        const r = await bkplay(["run", playbook, "-i", inventory(), ...args]);
        expect(r.code, r.stdout + r.stderr).to.equal(2);
        expect(r.stderr).to.include(fragment);
        expect(host.connections(), "connections to the inventory's host").to.equal(0);
      });
    }
  });
});
