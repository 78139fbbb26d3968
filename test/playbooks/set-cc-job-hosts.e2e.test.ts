import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { bkplay } from "../support/cli.js";
import { installsOf, useFleet } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, edited, logOf, notOk, pidsOf, restarted, runJson, treeChanges, warningsOf } from "./sandbox-checks.js";

const GENERATIONS: readonly Generation[] = ["ce5", "ce6", "oss"];
const ARGS = ["-e", "cc_host=cmdb.example.com:80", "-e", "job_host=job.example.com:80"];
const CC = "'cmdb.example.com:80'";
const JOB = "'job.example.com:80'";

/**
 * Per generation (BLUEKING.md's values table): ESB's and PaaS's settings files, the lines each must change, and
 * the key a generation does not document that stays out of a file that lacks it.
 */
const EXPECT: Record<Generation, { esb: string; paas: string; esbEdits: [string, string][]; paasEdits: [string, string][]; leftOut: string }> = {
  ce5: {
    esb: "open_paas/esb/configs/default.py",
    paas: "open_paas/paas/conf/settings_production.py",
    esbEdits: [["HOST_CC = 'cmdb.bk.com:80'", `HOST_CC = ${CC}`], ["HOST_CC_V3 = 'cmdb.bk.com:80'", `HOST_CC_V3 = ${CC}`]],
    paasEdits: [["HOST_CC = ''", `HOST_CC = ${CC}`], ["HOST_JOB = ''", `HOST_JOB = ${JOB}`]],
    leftOut: "HOST_JOB: not in",
  },
  ce6: {
    esb: "open_paas/esb/conf/settings_production.py",
    paas: "open_paas/paas/conf/settings_production.py",
    esbEdits: [
      ["HOST_CC = 'cmdb-api.service.consul:9001'", `HOST_CC = ${CC}`],
      ["HOST_CC_V3 = 'cmdb-api.service.consul:9001'", `HOST_CC_V3 = ${CC}`],
      ["HOST_JOB = 'job-gateway.service.consul:10503'", `HOST_JOB = ${JOB}`],
    ],
    paasEdits: [["HOST_CC = 'cmdb.bktencent.com:80'", `HOST_CC = ${CC}`], ["HOST_JOB = 'job.bktencent.com:80'", `HOST_JOB = ${JOB}`]],
    leftOut: "HOST_CC_V3: not in",
  },
  oss: {
    esb: "open_paas/src/esb/configs/default.py",
    paas: "open_paas/src/paas/conf/settings_production.py",
    esbEdits: [["HOST_CC = 'cmdb.bk.com'", `HOST_CC = ${CC}`], ["HOST_JOB = 'job.bk.com'", `HOST_JOB = ${JOB}`]],
    paasEdits: [["HOST_CC = 'cmdb.bk.com'", `HOST_CC = ${CC}`], ["HOST_JOB = 'job.bk.com'", `HOST_JOB = ${JOB}`]],
    leftOut: "HOST_CC_V3: not in",
  },
};

describe("set-cc-job-hosts: CMDB and JOB hosts in ESB and PaaS on three installs (sshd, mixed fleet)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "mixed");
  beforeEach(() => f.reset());
  const installs = installsOf(f);
  const paasOf = (g: Generation): SandboxHost => installs.host(g, "paas host", (h) => h.roles.includes("paas"));
  const inventoryOf = installs.inventory;
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));

  /** What restarted on the paas host since this was called: supervisord programs (ce5), or what systemctl (ce6) or dashboard.sh (oss) was asked. */
  function watchRestarts(h: SandboxHost): () => string[] {
    const conf = join(h.root, "etc/supervisor-open_paas.conf");
    const programs = ["paas", "login", "esb", "appengine"];
    const log = join(h.root, "logs", h.generation === "ce6" ? "systemctl.log" : "dashboard.log");
    const pids = h.generation === "ce5" ? pidsOf(conf, programs) : {};
    const seen = logOf(log).length;
    return () => (h.generation === "ce5" ? restarted(pids, pidsOf(conf, programs)).sort() : logOf(log).slice(seen).split("\n").filter(Boolean));
  }
  const RESTARTS: Record<Generation, string[]> = {
    ce5: ["esb", "paas"],
    ce6: ["restart bk-paas-esb.service", "restart bk-paas-paas.service"],
    oss: ["restart esb", "restart paas"],
  };

  for (const g of GENERATIONS) {
    it(`${g}: HOST_CC${g === "oss" ? "" : ", HOST_CC_V3"} and HOST_JOB where ${g} keeps them; ESB and PaaS restart as ${g} does; a second run does nothing`, async () => {
      const h = paasOf(g);
      const [esb, paas] = [EXPECT[g].esb, EXPECT[g].paas].map((p) => join(h.root, p));
      if (!esb || !paas) throw new Error("paths");
      const before = { esb: readFileSync(esb, "utf8"), paas: readFileSync(paas, "utf8") };

      const fresh = snapshot();
      const watch = watchRestarts(h);
      const check = await runJson("set-cc-job-hosts", inventoryOf(g), ...ARGS, "--check", "--diff");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      expect(changedHosts(check.report)).to.deep.equal([h.name]);
      const diffs = check.report.hosts.flatMap((x) => x.steps.flatMap((s) => s.diffs));
      expect([...new Set(diffs.map((d) => d.path))].sort()).to.deep.equal([esb, paas].sort());
      // Diffs show the files as they will be (secrets masked): each with every line the run writes.
      const last = (path: string): string => diffs.filter((d) => d.path === path).at(-1)?.after ?? "";
      for (const [path, edits] of [[esb, EXPECT[g].esbEdits], [paas, EXPECT[g].paasEdits]] as const) for (const [, to] of edits) expect(last(path), path).to.include(`\n${to}\n`);
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing").to.deep.equal([]);
      expect(watch(), "check mode restarts nothing").to.deep.equal([]);

      const applied = await runJson("set-cc-job-hosts", inventoryOf(g), ...ARGS);
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(readFileSync(esb, "utf8")).to.equal(edited(before.esb, ...EXPECT[g].esbEdits));
      expect(readFileSync(paas, "utf8")).to.equal(edited(before.paas, ...EXPECT[g].paasEdits));
      for (const file of [esb, paas]) execFileSync("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", file]);
      expect(warningsOf(applied.report, h.name).join("\n")).to.include(EXPECT[g].leftOut);
      expect(warningsOf(applied.report, h.name).some((w) => w.includes("bkcli render paas")), "the render warning").to.equal(g === "ce6");
      expect(watch()).to.deep.equal(RESTARTS[g]);

      const settled = snapshot();
      const quiet = watchRestarts(h);
      const again = await runJson("set-cc-job-hosts", inventoryOf(g), ...ARGS);
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);
      expect(quiet()).to.deep.equal([]);
    });
  }

  it("ce5: only cc_host given: ESB and PaaS get HOST_CC, HOST_JOB stays as it was; when only ESB's file differs, only ESB restarts", async () => {
    const h = paasOf("ce5");
    const [esb, paas] = [EXPECT.ce5.esb, EXPECT.ce5.paas].map((p) => join(h.root, p));
    if (!esb || !paas) throw new Error("paths");
    const before = readFileSync(paas, "utf8");
    const first = await runJson("set-cc-job-hosts", inventoryOf("ce5"), "-e", "cc_host=cmdb.example.com");
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(readFileSync(paas, "utf8")).to.equal(edited(before, ["HOST_CC = ''", "HOST_CC = 'cmdb.example.com'"]));

    writeFileSync(esb, edited(readFileSync(esb, "utf8"), ["HOST_CC = 'cmdb.example.com'", "HOST_CC = 'cmdb.bk.com:80'"]));
    const watch = watchRestarts(h);
    const second = await runJson("set-cc-job-hosts", inventoryOf("ce5"), "-e", "cc_host=cmdb.example.com");
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(notOk(second.report)).to.deep.equal([`${h.name}: HOST_CC (ESB) changed`, `${h.name}: restart esb changed`]);
    expect(watch()).to.deep.equal(["esb"]);
  });

  it("ce6: an expression is refused before any change (naming it), and replaced with -e replace_expressions=true", async () => {
    const h = paasOf("ce6");
    const esb = join(h.root, EXPECT.ce6.esb);
    const expression = "HOST_JOB = 'job-gateway.service.consul:' + str(10503)";
    writeFileSync(esb, edited(readFileSync(esb, "utf8"), ["HOST_JOB = 'job-gateway.service.consul:10503'", expression]));
    const before = snapshot();
    const watch = watchRestarts(h);
    const refused = await bkplay(["run", "set-cc-job-hosts", "-i", inventoryOf("ce6"), ...ARGS]);
    expect(refused.code, refused.stdout + refused.stderr).to.equal(1);
    expect(refused.stdout).to.include("HOST_JOB at").and.include("is an expression, not a literal: `'job-gateway.service.consul:' + str(10503)`; set replace_expressions: true");
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
    expect(watch()).to.deep.equal([]);

    const allowed = await runJson("set-cc-job-hosts", inventoryOf("ce6"), ...ARGS, "-e", "replace_expressions=true");
    expect(allowed.code, allowed.stdout + allowed.stderr).to.equal(0);
    expect(readFileSync(esb, "utf8")).to.include(`\nHOST_JOB = ${JOB}\n`).and.not.include(expression);
  });

  it("neither host given: refused before any change, saying what to give", async () => {
    const before = snapshot();
    const r = await bkplay(["run", "set-cc-job-hosts", "-i", inventoryOf("oss")]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include("nothing to set: give -e cc_host=<CMDB host[:port]> and/or -e job_host=<JOB host[:port]>. Nothing was changed");
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
  });
});
