import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");
const ONLINE = "pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST";

/** pip as the agent would run it, but blind to this machine's own pip configuration and mirrors. */
function pipEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PIP_")));
  return { ...env, PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1" };
}

describe("playbook offline-pip-mirror (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const agent = (): string => f.fleet().hosts.find((h) => h.roles.includes("appo"))?.root ?? "";
  const buildScript = (): string => join(agent(), "paas_agent/etc/build/virtualenv/build");
  const mirror = (): string => join(agent(), "paas_agent/pkg/python_pkgs");
  const wheels = (): string => join(f.dir(), "wheels");
  const run = async (...args: string[]): Promise<{ code: number; report: RunReport; stderr: string }> => {
    const r = await bkplay(["run", "offline-pip-mirror", "-i", inv(), "--json", ...args]);
    return { code: r.code, report: reportOf(r), stderr: r.stderr };
  };

  before(function () {
    this.timeout(60_000);
    // The build script installs a pinned uwsgi and then the SaaS' requirements: the mirror holds both.
    execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "bk_tiny_saas_dep", "1.0.0"]);
    execFileSync("python3", [join(python, "tiny-wheel.py"), wheels(), "uwsgi", "2.0.13.1"]);
  });
  beforeEach(() => f.reset());

  it("--check writes nothing", async () => {
    const before = snapshotTree(join(f.dir(), "hosts"));
    const r = await run("-e", `packages=${wheels()}`, "--check");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.report.hosts.filter((h) => h.status === "changed").map((h) => h.host)).to.have.members(["bk-2", "bk-3"]);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });

  it("unpacks a directory of wheels, points the build script at it, and the real build script then installs offline", async () => {
    const mode = statSync(buildScript()).mode;
    const first = await run("-e", `packages=${wheels()}`);
    expect(first.code, first.stderr).to.equal(0);
    expect(readdirSync(mirror()).filter((n) => n.endsWith(".whl")).sort()).to.deep.equal(readdirSync(wheels()).sort());
    const script = readFileSync(buildScript(), "utf8");
    expect(script).to.include(`pip install -r requirements.txt --no-index --find-links=${mirror()}\n`);
    expect(script).to.include(`pip install uwsgi==2.0.13.1 --no-index --find-links=${mirror()}\n`);
    expect(script).not.to.match(/ -i |--trusted-host/);
    expect(statSync(buildScript()).mode).to.equal(mode);

    // Deploy as the agent does: `build BUILD_DIR CACHE_DIR`, with the SaaS' requirements and a fresh venv.
    const saas = join(f.dir(), "saas");
    const cache = join(f.dir(), "cache");
    mkdirSync(saas, { recursive: true });
    writeFileSync(join(saas, "requirements.txt"), "bk_tiny_saas_dep==1.0.0\n");
    execFileSync("sh", [join(python, "quick-venv.sh"), join(cache, "venv")]);
    execFileSync("bash", [buildScript(), saas, cache], { env: pipEnv(), stdio: "pipe" });
    const version = execFileSync(join(cache, "venv/bin/python"), ["-c", "import bk_tiny_saas_dep; print(bk_tiny_saas_dep.VERSION)"], { encoding: "utf8" });
    expect(version.trim()).to.equal("1.0.0");

    const second = await run("-e", `packages=${wheels()}`);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.report.hosts.flatMap((h) => h.steps).filter((s) => s.status !== "ok")).to.deep.equal([]);
  });

  it("takes a .tar.gz too; revert restores the online form", async () => {
    const tarball = join(f.dir(), "wheels.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", wheels(), "."]);
    const applied = await run("-e", `packages=${tarball}`);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(readdirSync(mirror())).to.include("bk_tiny_saas_dep-1.0.0-py3-none-any.whl");

    const reverted = await run("-e", "revert=true");
    expect(reverted.code, reverted.stderr).to.equal(0);
    const script = readFileSync(buildScript(), "utf8");
    expect(script).to.include(`${ONLINE}\n`);
    expect(script).to.include("pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST\n");
    expect(script).not.to.include("--no-index");
    const again = await run("-e", "revert=true");
    expect(again.code, again.stderr).to.equal(0);
    expect(again.report.hosts.flatMap((h) => h.steps).filter((s) => s.status !== "ok")).to.deep.equal([]);
  });
});
