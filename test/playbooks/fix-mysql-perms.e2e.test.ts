import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { reservePorts } from "../../src/sandbox/ports.js";
import { optionValue } from "../../src/steps/sql-secrets.js";
import { bkplay, reportOf, type CliResult } from "../support/cli.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

// Characters the SQL string, the option file and JSON each escape differently, around a core no escaping
// changes: finding the core anywhere finds the password however it was spelled.
const CORE = "Zq7Kx9Bv3Core";
const PASSWORD = `${CORE}'\\"$(x) ;`;

const id = (flag: "-u" | "-g"): number => Number(execFileSync("id", [flag, "mysql"], { encoding: "utf8" }).trim());

/** Every entry below `root` as `mode uid:gid` (content and mtime are the live server's business). */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string): void => {
    const st = lstatSync(path);
    out[rel] = `${st.isDirectory() ? "dir" : st.isFile() ? "file" : "other"} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name), `${rel}/${name}`);
  };
  walk(root, ".");
  return out;
}

/** Every file below `dir` (names and contents) as one text, to grep for the password. */
function dump(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((rel) => {
    const path = join(dir, rel);
    return `${rel}\n${lstatSync(path).isFile() ? readFileSync(path, "latin1") : ""}`;
  }).join("\n");
}

describe("playbook fix-mysql-perms against a real MariaDB (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(5, "sshd");
  let dir = "";
  let port = 0;
  let server: Daemon | undefined;
  const datadir = (): string => join(dir, "data");
  const socket = (): string => join(dir, "run/mysqld.sock");
  const backups = (): string => join(dir, "backups");

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), "bkplay-mariadb-"));
    chmodSync(dir, 0o755);
    execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${datadir()}`, "--user=mysql", "--auth-root-authentication-method=socket", "--skip-test-db"], { stdio: "pipe" });
    // The runbook's damage: everything world-readable and executable, and a file left to root.
    execFileSync("chmod", ["-R", "755", datadir()]);
    mkdirSync(join(datadir(), "open_paas"));
    writeFileSync(join(datadir(), "open_paas/db.opt"), "default-character-set=utf8\n");
    chownSync(join(datadir(), "open_paas"), id("-u"), 0);
    mkdirSync(join(dir, "run"));
    chownSync(join(dir, "run"), id("-u"), id("-g"));
    [port = 0] = await reservePorts(1);
    server = await startDaemon("mariadbd", [
      "--no-defaults", `--datadir=${datadir()}`, `--socket=${socket()}`, `--port=${port}`, "--bind-address=127.0.0.1",
      "--skip-name-resolve", "--user=mysql", `--pid-file=${join(dir, "run/mysqld.pid")}`, "--innodb-buffer-pool-size=16M",
    ], port);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]): Promise<CliResult & { report: RunReport }> => {
    const inventory = writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
    const vars = ["db_user=bk_app", `db_password=${PASSWORD}`, `mysql_socket=${socket()}`, `datadir=${datadir()}`].flatMap((v) => ["-e", v]);
    const r = await bkplay(["run", "fix-mysql-perms", "-i", inventory, ...vars, "--backup-dir", backups(), "--json", ...args]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    return { ...r, report: reportOf(r) };
  };
  /** The app's own login over TCP, as an agent host does it; the password in an option file, never in argv. */
  const appLogin = (): { status: number | null; stdout: string; stderr: string } => {
    const cnf = join(dir, "app.cnf");
    writeFileSync(cnf, `[client]\npassword=${optionValue(PASSWORD)}\n`, { mode: 0o600 });
    return spawnSync("mysql", [`--defaults-file=${cnf}`, "--protocol=TCP", "-h", "127.0.0.1", "-P", String(port), "-u", "bk_app", "-N", "-B", "-e", "SELECT CURRENT_USER()"], { encoding: "utf8" });
  };
  const steps = (r: { report: RunReport }): string[] => r.report.hosts.flatMap((h) => h.steps.map((s) => `${h.host} ${s.name}: ${s.status}`));
  const grants = (r: { report: RunReport }): string[] => r.report.hosts.flatMap((h) => h.steps.flatMap((s) => s.commands.map((c) => c.command))).filter((c) => /\bGRANT\b/.test(c));
  const outputs: string[] = [];

  it("before: the app user cannot log in over TCP", () => {
    const r = appLogin();
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/Host '127\.0\.0\.1' is not allowed to connect/, r.stderr);
  });

  it("--check predicts both changes, runs no GRANT, writes nothing", async () => {
    const hosts = snapshotTree(join(f.dir(), "hosts"));
    const data = modes(datadir());
    const r = await run("--check");
    outputs.push(r.stdout, r.stderr, dump(backups()));
    expect(steps(r)).to.deep.equal(["bk-5 app user granted to every agent address: changed", "bk-5 data dir owned by mysql, 0750/0660: changed"]);
    expect(grants(r)).to.deep.equal([]);
    expect(appLogin().status).to.not.equal(0);
    expect(modes(datadir())).to.deep.equal(data);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(hosts);
  });

  it("apply grants the agent address and repairs the data dir; the app user logs in", async () => {
    const r = await run();
    outputs.push(r.stdout, r.stderr, dump(backups()));
    expect(steps(r)).to.deep.equal(["bk-5 app user granted to every agent address: changed", "bk-5 data dir owned by mysql, 0750/0660: changed"]);
    expect(grants(r)).to.have.length(1);
    const login = appLogin();
    expect(login.status, login.stderr).to.equal(0);
    expect(login.stdout.trim()).to.equal("bk_app@127.0.0.1");
    const mysql = `${id("-u")}:${id("-g")}`;
    for (const [rel, entry] of Object.entries(modes(datadir()))) {
      if (entry.startsWith("other")) continue;
      expect(entry, rel).to.equal(entry.startsWith("dir") ? `dir 750 ${mysql}` : `file 660 ${mysql}`);
    }
  });

  it("a second run changes nothing and executes no GRANT", async () => {
    const r = await run();
    outputs.push(r.stdout, r.stderr, dump(backups()));
    expect(steps(r)).to.deep.equal(["bk-5 app user granted to every agent address: ok", "bk-5 data dir owned by mysql, 0750/0660: ok"]);
    expect(r.report.hosts.every((h) => h.status === "ok")).to.equal(true);
    expect(grants(r)).to.deep.equal([]);
  });

  it("the password, however escaped, is in no output, JSON report or backup", () => {
    expect(outputs).to.have.length(9);
    for (const text of outputs) expect(text).to.not.include(CORE);
  });
});
