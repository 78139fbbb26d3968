import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay } from "../support/cli.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { sandboxServers, watchProcesses } from "../support/process-watch.js";

const CORE = "Mv6Jp2Tq9Core";
const PASSWORD = `${CORE}'\\"$(x) ;`;

describe("a secret given by the environment never shows in ps: bkplay's children nor the host's processes (real MariaDB, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(5, "sshd");
  let dir = "";
  let port = 0;
  let server: Daemon | undefined;

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), "bkplay-argv-mariadb-"));
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync("id", ["-u", "mysql"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "mysql"], { encoding: "utf8" }).trim());
    execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${join(dir, "data")}`, "--user=mysql", "--auth-root-authentication-method=socket", "--skip-test-db"], { stdio: "pipe" });
    mkdirSync(join(dir, "run"));
    chownSync(join(dir, "run"), uid, gid);
    [port = 0] = await reservePorts(1);
    server = await startDaemon("mariadbd", [
      "--no-defaults", `--datadir=${join(dir, "data")}`, `--socket=${join(dir, "run/mysqld.sock")}`, `--port=${port}`, "--bind-address=127.0.0.1",
      "--skip-name-resolve", "--user=mysql", `--pid-file=${join(dir, "run/mysqld.pid")}`, "--innodb-buffer-pool-size=16M",
    ], port);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fix-mysql-perms with db_password from BKPLAY_VAR_: no process's argv (nor environment) holds it, while the host's mysql client ran", async () => {
    const inventory = writeInventory(f.fleet(), join(f.dir(), "argv-hosts.yaml"));
    const args = ["run", "fix-mysql-perms", "-i", inventory, "-e", "db_user=bk_argv", "-e", `mysql_socket=${join(dir, "run/mysqld.sock")}`, "-e", `datadir=${join(dir, "data")}`, "--backup-dir", join(dir, "backups"), "--log-dir", join(dir, "audit")];
    const servers = sandboxServers(f.dir());
    expect(servers, "the sandbox's sshd servers").to.have.length.greaterThan(0);
    const watch = await watchProcesses(CORE, [process.pid, ...servers], "--defaults-extra-file");
    let r;
    try {
      r = await bkplay(args, { env: { BKPLAY_VAR_db_password: PASSWORD } });
    } finally {
      const { leaks, seen } = await watch.stop();
      expect(leaks, "processes showing the secret").to.deep.equal([]);
      expect(seen.length, "the watcher saw the host's mysql client run").to.be.greaterThan(0);
    }
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).not.to.include(CORE);
    // The audit log is a faithful record: only the secret is masked, the playbook's name and the socket path are whole.
    const audit = readFileSync(join(dir, "audit/runs.jsonl"), "utf8");
    expect(audit).not.to.include(CORE);
    const entry = JSON.parse(audit.trim()) as { playbook: { name: string }; vars: Record<string, unknown> };
    expect(entry.playbook.name).to.equal("fix-mysql-perms");
    expect(entry.vars).to.include({ db_password: "••••", mysql_socket: join(dir, "run/mysqld.sock"), datadir: join(dir, "data") });
    const login = execFileSync("mysql", ["--protocol=TCP", "-h", "127.0.0.1", "-P", String(port), "-u", "bk_argv", `--password=${PASSWORD}`, "-N", "-B", "-e", "SELECT CURRENT_USER()"], { encoding: "utf8" });
    expect(login.trim()).to.equal("bk_argv@127.0.0.1");
  });
});
