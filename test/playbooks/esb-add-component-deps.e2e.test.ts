import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { notOk, pidsOf, restarted, runJson, treeChanges } from "./sandbox-checks.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");
const LEVELS = ["custom", "custom/apis", "custom/apis/my_system"];
const OPEN_PAAS = ["paas", "login", "esb", "appengine"];

describe("playbook esb-add-component-deps (sshd, ce5)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const paas = (): string => f.fleet().hosts.find((h) => h.roles.includes("paas"))?.root ?? "";
  // bkce 5.x: the ESB virtualenv is $INSTALL_PATH/.envs/esb; supervisor runs ESB as program esb.
  const venv = (): string => join(paas(), ".envs/esb");
  const supervisorConf = (): string => join(paas(), "etc/supervisor-open_paas.conf");
  const pids = (): Record<string, number> => pidsOf(supervisorConf(), OPEN_PAAS);
  const wheels = (): string => join(f.dir(), "wheels");
  const run = (packages: string, ...args: string[]): ReturnType<typeof runJson> => {
    const vars = [`packages=${packages}`, `find_links=${wheels()}`, `component_path=${LEVELS.at(-1) ?? ""}`].flatMap((v) => ["-e", v]);
    return runJson("esb-add-component-deps", inv(), ...vars, ...args);
  };
  // -B: no __pycache__ in the host's tree, whose snapshots the tests compare.
  const importedVersion = (): string =>
    execFileSync(join(venv(), "bin/python"), ["-B", "-c", "import bk_tiny_esb_dep; print(bk_tiny_esb_dep.VERSION)"], { encoding: "utf8" }).trim();

  before(function () {
    this.timeout(60_000);
    for (const version of ["1.0.0", "2.0.0"]) execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "bk_tiny_esb_dep", version]);
  });
  beforeEach(async () => {
    await f.reset();
    execFileSync("sh", [join(python, "quick-venv.sh"), venv()]);
  });

  it("--check writes nothing and restarts nothing", async () => {
    const before = snapshotTree(join(f.dir(), "hosts"));
    const running = pids();
    const r = await run("bk_tiny_esb_dep==1.0.0", "--check");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.hosts.find((h) => h.host === "bk-1")?.steps.map((s) => s.status)).to.deep.equal(["changed", "changed", "changed"]);
    expect(treeChanges(before, snapshotTree(join(f.dir(), "hosts")))).to.deep.equal([]);
    expect(restarted(running, pids())).to.deep.equal([]);
  });

  it("installs into the ESB venv offline, makes every folder a package, restarts ESB (and only ESB) once through supervisord; a second run does nothing", async () => {
    const fresh = pids();
    const first = await run("bk_tiny_esb_dep==1.0.0");
    expect(first.code, first.stderr).to.equal(0);
    expect(importedVersion()).to.equal("1.0.0");
    for (const level of LEVELS) expect(existsSync(join(paas(), "open_paas/esb/components", level, "__init__.py")), level).to.equal(true);
    const once = pids();
    expect(restarted(fresh, once)).to.deep.equal(["esb"]);

    const before = snapshotTree(join(f.dir(), "hosts"));
    const second = await run("bk_tiny_esb_dep==1.0.0");
    expect(second.code, second.stderr).to.equal(0);
    expect(notOk(second.report)).to.deep.equal([]);
    expect(treeChanges(before, snapshotTree(join(f.dir(), "hosts")))).to.deep.equal([]);
    expect(restarted(once, pids())).to.deep.equal([]);

    // Another version is "missing" too.
    const upgrade = await run("bk_tiny_esb_dep==2.0.0");
    expect(upgrade.code, upgrade.stderr).to.equal(0);
    expect(importedVersion()).to.equal("2.0.0");
    expect(restarted(once, pids())).to.deep.equal(["esb"]);
  });

  it("a failed install shows the tail of the ESB log and restarts nothing", async () => {
    mkdirSync(join(paas(), "logs/open_paas"), { recursive: true });
    writeFileSync(join(paas(), "logs/open_paas/esb.log"), "ERROR component class not found: my_system.get_host\n");
    const running = pids();
    const r = await run("bk_not_in_the_mirror==1.0");
    expect(r.code).to.equal(1);
    const failed = r.report.hosts.find((h) => h.host === "bk-1")?.steps.find((s) => s.status === "failed");
    expect(failed?.commands.map((c) => c.stderr).join("")).to.include("the ESB log ends with:\nERROR component class not found: my_system.get_host");
    expect(restarted(running, pids())).to.deep.equal([]);
  });
});
