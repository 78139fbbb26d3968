import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");
const LEVELS = ["custom", "custom/apis", "custom/apis/my_system"];

describe("playbook esb-add-component-deps (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const paas = (): string => f.fleet().hosts.find((h) => h.roles.includes("paas"))?.root ?? "";
  const venv = (): string => join(paas(), ".envs/open_paas-esb");
  const wheels = (): string => join(f.dir(), "wheels");
  const dashboardLog = (): string => join(paas(), "logs/dashboard.log");
  const run = async (packages: string, ...args: string[]): Promise<{ code: number; report: RunReport; stderr: string }> => {
    const vars = [`packages=${packages}`, `find_links=${wheels()}`, `component_path=${LEVELS.at(-1) ?? ""}`].flatMap((v) => ["-e", v]);
    const r = await bkplay(["run", "esb-add-component-deps", "-i", inv(), "--json", ...vars, ...args]);
    return { code: r.code, report: reportOf(r), stderr: r.stderr };
  };
  const importedVersion = (): string =>
    execFileSync(join(venv(), "bin/python"), ["-c", "import bk_tiny_esb_dep; print(bk_tiny_esb_dep.VERSION)"], { encoding: "utf8" }).trim();

  before(function () {
    this.timeout(60_000);
    for (const version of ["1.0.0", "2.0.0"]) execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "bk_tiny_esb_dep", version]);
  });
  beforeEach(async () => {
    await f.reset();
    execFileSync("sh", [join(python, "quick-venv.sh"), venv()]);
  });

  it("--check writes nothing", async () => {
    const before = snapshotTree(join(f.dir(), "hosts"));
    const r = await run("bk_tiny_esb_dep==1.0.0", "--check");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.hosts.find((h) => h.host === "bk-1")?.steps.map((s) => s.status)).to.deep.equal(["changed", "changed", "changed"]);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });

  it("installs into the ESB venv offline, makes every folder a package, restarts ESB once; a second run does nothing", async () => {
    const first = await run("bk_tiny_esb_dep==1.0.0");
    expect(first.code, first.stderr).to.equal(0);
    expect(importedVersion()).to.equal("1.0.0");
    for (const level of LEVELS) expect(existsSync(join(paas(), "open_paas/esb/components", level, "__init__.py")), level).to.equal(true);
    expect(readFileSync(dashboardLog(), "utf8")).to.equal("restart esb\n");

    const before = snapshotTree(join(f.dir(), "hosts"));
    const second = await run("bk_tiny_esb_dep==1.0.0");
    expect(second.code, second.stderr).to.equal(0);
    expect(second.report.hosts.flatMap((h) => h.steps).filter((s) => s.status !== "ok")).to.deep.equal([]);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);

    // Another version is "missing" too.
    const upgrade = await run("bk_tiny_esb_dep==2.0.0");
    expect(upgrade.code, upgrade.stderr).to.equal(0);
    expect(importedVersion()).to.equal("2.0.0");
    expect(readFileSync(dashboardLog(), "utf8")).to.equal("restart esb\nrestart esb\n");
  });

  it("a failed install shows the tail of the ESB log and restarts nothing", async () => {
    mkdirSync(join(paas(), "logs/open_paas"), { recursive: true });
    writeFileSync(join(paas(), "logs/open_paas/esb.log"), "ERROR component class not found: my_system.get_host\n");
    const r = await run("bk_not_in_the_mirror==1.0");
    expect(r.code).to.equal(1);
    const failed = r.report.hosts.find((h) => h.host === "bk-1")?.steps.find((s) => s.status === "failed");
    expect(failed?.commands.map((c) => c.stderr).join("")).to.include("the ESB log ends with:\nERROR component class not found: my_system.get_host");
    expect(existsSync(dashboardLog())).to.equal(false);
  });
});
