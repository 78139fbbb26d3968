import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, edited, notOk, pidsOf, readAll, restarted, runJson, treeChanges } from "./sandbox-checks.js";

const python = join(import.meta.dirname, "../../../test/fixtures/python");
const ONLINE = "-i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST";
const OWN_FIND_LINKS = "pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs\n";
// bkce 5.x: the plain app's and S-mart's virtualenv build scripts.
const BUILD = "paas_agent/paas_agent/etc/build/virtualenv/build";
const BUILDSAAS = "paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas";

/** pip as the agent would run it, but blind to this machine's own pip configuration and mirrors. */
function pipEnv(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith("PIP_") && e[1] !== undefined));
  return { ...env, PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1" };
}

/**
 * Runs a build script as paas_agent does for app `app` (its environment, a fresh virtualenv in the agent's
 * WORKON_HOME), and returns what it printed. The app's own supervisord is not under test: stand-ins on PATH.
 */
function deploy(script: string, work: string, app: string, env: Record<string, string>): string {
  const base = join(work, "agent/");
  execFileSync("sh", [join(python, "quick-venv.sh"), join(base, "apps/Envs", app)]);
  const bin = join(work, "bin");
  mkdirSync(bin, { recursive: true });
  for (const tool of ["supervisord", "supervisorctl"]) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return execFileSync("bash", [script], {
    encoding: "utf8",
    env: { ...pipEnv(), PATH: `${bin}:${process.env.PATH ?? ""}`, APP_CODE: app, APP_PATH: join(work, "apps", app), LOG_PATH: join(work, "logs", app), BASE_APP_PATH: base, ...env },
  });
}

describe("playbook offline-pip-mirror (sshd, ce5)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const agents = (): SandboxHost[] => f.fleet().hosts.filter((h) => h.roles.includes("appo") || h.roles.includes("appt"));
  const agent = (): string => agents()[0]?.root ?? "";
  const scripts = (): string[] => agents().flatMap((h) => [join(h.root, BUILD), join(h.root, BUILDSAAS)]);
  const mirror = (root = agent()): string => join(root, "paas_agent/pkg/python_pkgs");
  const agentPids = (): Record<string, number>[] => agents().map((h) => pidsOf(join(h.root, "etc/supervisor-paas_agent.conf"), ["paas_agent"]));
  const wheels = (): string => join(f.dir(), "wheels");
  const run = (...args: string[]): ReturnType<typeof runJson> => runJson("offline-pip-mirror", inv(), ...args);

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
    expect(changedHosts(r.report)).to.have.members(agents().map((h) => h.name));
    expect(treeChanges(before, snapshotTree(join(f.dir(), "hosts")))).to.deep.equal([]);
  });

  it("unpacks a directory of wheels, points build and buildsaas at it (buildsaas' own --find-links kept), restarts nothing; the real scripts then install offline; a second run does nothing", async () => {
    const texts = readAll(scripts());
    const modes = scripts().map((s) => statSync(s).mode);
    const running = agentPids();
    const first = await run("-e", `packages=${wheels()}`);
    expect(first.code, first.stderr).to.equal(0);
    for (const h of agents()) {
      expect(readdirSync(mirror(h.root)).filter((n) => n.endsWith(".whl")).sort()).to.deep.equal(readdirSync(wheels()).sort());
      const offline = `--no-index --find-links=${mirror(h.root)}\n`;
      const build = join(h.root, BUILD);
      const buildsaas = join(h.root, BUILDSAAS);
      expect(readFileSync(build, "utf8")).to.equal(edited(texts.get(build) ?? "",
        [`pip install uwsgi==2.0.13.1 ${ONLINE}\n`, `pip install uwsgi==2.0.13.1 ${offline}`],
        [`pip install -r requirements.txt ${ONLINE}\n`, `pip install -r requirements.txt ${offline}`]));
      expect(readFileSync(buildsaas, "utf8")).to.equal(edited(texts.get(buildsaas) ?? "", [`pip install uwsgi==2.0.13.1 ${ONLINE}\n`, `pip install uwsgi==2.0.13.1 ${offline}`]));
      expect(readFileSync(buildsaas, "utf8")).to.include(OWN_FIND_LINKS);
    }
    expect(scripts().map((s) => statSync(s).mode)).to.deep.equal(modes);
    // Only build scripts changed: the agent keeps running as it was.
    expect(agentPids().map((p, i) => restarted(running[i] ?? {}, p))).to.deep.equal(agents().map(() => []));

    // Deploy as the agent does: the app's code from its repository, its requirements from the mirror only.
    const work = join(f.dir(), "deploy");
    const repo = join(work, "repo");
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, "requirements.txt"), "bk_tiny_saas_dep==1.0.0\n");
    execFileSync("git", ["init", "-q", repo]);
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "."]);
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app"]);
    const log = deploy(join(agent(), BUILD), work, "demo", { VCS_PATH: repo });
    expect(log).to.include(`Looking in links: ${mirror()}`).and.include("------pip install success------");
    const venvPython = join(work, "agent/apps/Envs/demo/bin/python");
    expect(execFileSync(venvPython, ["-B", "-c", "import bk_tiny_saas_dep, uwsgi; print(bk_tiny_saas_dep.VERSION, uwsgi.VERSION)"], { encoding: "utf8" }).trim()).to.equal("1.0.0 2.0.13.1");

    // An S-mart package: its own wheels in pkgs/, installed from there; uwsgi from the mirror.
    const saas = join(work, "saas");
    execFileSync("python3", [join(python, "tiny-wheel.py"), join(saas, "smart/pkgs"), "bk_tiny_own_dep", "3.0.0"]);
    mkdirSync(join(saas, "smart/src"), { recursive: true });
    execFileSync("tar", ["-czf", join(saas, "smart.tar.gz"), "-C", saas, "smart"]);
    const saasLog = deploy(join(agent(), BUILDSAAS), work, "smart", { SaaS_PATH: saas, FILE_NAME: "smart.tar.gz", PIP_LIST: "bk_tiny_own_dep==3.0.0" });
    expect(saasLog).to.include(`Looking in links: ${mirror()}`).and.include(`Looking in links: ${saas}/smart/pkgs`).and.include("------pip install success------");
    const smartPython = join(work, "agent/apps/Envs/smart/bin/python");
    expect(execFileSync(smartPython, ["-B", "-c", "import bk_tiny_own_dep; print(bk_tiny_own_dep.VERSION)"], { encoding: "utf8" }).trim()).to.equal("3.0.0");

    const settled = snapshotTree(join(f.dir(), "hosts"));
    const second = await run("-e", `packages=${wheels()}`);
    expect(second.code, second.stderr).to.equal(0);
    expect(notOk(second.report)).to.deep.equal([]);
    expect(treeChanges(settled, snapshotTree(join(f.dir(), "hosts")))).to.deep.equal([]);
  });

  it("takes a .tar.gz too; revert restores the online form (buildsaas' own --find-links untouched)", async () => {
    const texts = readAll(scripts());
    const tarball = join(f.dir(), "wheels.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", wheels(), "."]);
    const applied = await run("-e", `packages=${tarball}`);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(readdirSync(mirror())).to.include("bk_tiny_saas_dep-1.0.0-py3-none-any.whl");

    const reverted = await run("-e", "revert=true");
    expect(reverted.code, reverted.stderr).to.equal(0);
    for (const script of scripts()) expect(readFileSync(script, "utf8"), script).to.equal(texts.get(script));
    const again = await run("-e", "revert=true");
    expect(again.code, again.stderr).to.equal(0);
    expect(notOk(again.report)).to.deep.equal([]);
  });
});
