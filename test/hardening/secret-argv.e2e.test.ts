import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay } from "../support/cli.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const CORE = "Mv6Jp2Tq9Core";
const PASSWORD = `${CORE}'\\"$(x) ;`;

/**
 * Reads /proc/<pid>/cmdline (what `ps` shows) and environ (`ps e`; but for bkplay itself, started with the variable)
 * of every process below the roots (this test, whose children bkplay and its children are, and the sandbox's sshd
 * servers, whose children the host's commands are), in a tight loop on its own thread until told to stop.
 */
const WATCH = `
const { readdirSync, readFileSync } = require("node:fs");
const { workerData, parentPort } = require("node:worker_threads");
const stop = new Int32Array(workerData.stop);
const leaks = new Set();
const seen = new Set();
/** bkplay's own pids: started with the variable, its environ holds it (its cmdline empties as it exits). */
const bkplay = new Set();
let sweeps = 0;
const read = (path) => { try { return readFileSync(path, "latin1"); } catch { return ""; } };
const children = (pid) => { try { return readdirSync("/proc/" + pid + "/task").flatMap((t) => read("/proc/" + pid + "/task/" + t + "/children").split(" ").filter(Boolean)); } catch { return []; } };
while (Atomics.load(stop, 0) === 0) {
  const [test, ...servers] = workerData.roots.map(String);
  // The test's own node children are the bkplay runs: known even when first seen exiting (empty cmdline).
  for (const pid of children(test)) if (read("/proc/" + pid + "/stat").includes(" (node) ")) bkplay.add(pid);
  const todo = [test, ...servers];
  while (todo.length > 0) {
    const pid = todo.pop();
    todo.push(...children(pid));
    const cmdline = read("/proc/" + pid + "/cmdline");
    const shown = cmdline.split("\\0").join(" ");
    if (cmdline.includes("--defaults-extra-file")) seen.add(shown.slice(0, 80));
    if (cmdline.includes(workerData.core)) leaks.add("cmdline of " + pid + ": " + shown);
    if (cmdline.includes("bkplay.js")) bkplay.add(pid);
    if (!bkplay.has(pid) && read("/proc/" + pid + "/environ").includes(workerData.core)) leaks.add("environ of " + pid + ": " + shown + " " + read("/proc/" + pid + "/stat"));
  }
  if (sweeps++ === 0) parentPort.postMessage("watching");
}
parentPort.postMessage({ leaks: [...leaks], seen: [...seen], sweeps });
`;

interface Watched {
  leaks: string[];
  seen: string[];
  sweeps: number;
}

/** Resolves once the watcher has looked at every process once. */
async function watchProcesses(core: string, roots: number[]): Promise<{ stop: () => Promise<Watched> }> {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(WATCH, { eval: true, workerData: { stop, core, roots } });
  const messages: unknown[] = [];
  let wake = (): void => undefined;
  worker.on("message", (m) => {
    messages.push(m);
    wake();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((resolve, reject) => { wake = resolve; worker.once("error", reject); });
    return messages.shift();
  };
  await next();
  const result = next() as Promise<Watched>;
  return {
    stop: async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}

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
    // The sandbox's sshd servers run detached: found by their configuration in the fleet's folder.
    const servers = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(f.dir());
      } catch {
        return false;
      }
    });
    expect(servers, "the sandbox's sshd servers").to.have.length.greaterThan(0);
    const watch = await watchProcesses(CORE, [process.pid, ...servers.map(Number)]);
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
