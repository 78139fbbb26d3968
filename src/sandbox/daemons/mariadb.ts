import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, open, readFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

export const MARIADBD = "/usr/sbin/mariadbd";

/**
 * The fleet's MariaDB, which its mysql hosts share (they are one machine): its data under `dir`, its socket
 * `socket`, root logging in over the socket without a password (as on a Debian install), networking off. Every
 * grant in `grants` is the app user's for an agent address, as bk-install's grant_mysql_priv.sh makes them.
 */
export interface MariaDbSpec {
  kind: "mariadb";
  dir: string;
  socket: string;
  grants: { user: string; host: string; password: string }[];
}

export const mariaDbDataDir = (spec: Pick<MariaDbSpec, "dir">): string => join(spec.dir, "data");

const run = promisify(execFile);
const SERVER_OPTIONS = ["--no-defaults", "--innodb-log-file-size=4M", "--innodb-buffer-pool-size=16M"];

/** True once the server accepts connections on its socket. */
const answers = (socket: string): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ path: socket });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => { resolve(false); });
  });

/** The sandbox's grants (again), and the data dir as MariaDB makes it: mysql's, dirs 0700, files 0660. */
export async function restoreMariaDb(spec: MariaDbSpec): Promise<void> {
  const quote = (s: string): string => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const sql = spec.grants.map((g) => `GRANT ALL ON *.* TO ${quote(g.user)}@${quote(g.host)} IDENTIFIED BY ${quote(g.password)};`).join("\n");
  const client = spawn("mysql", ["--no-defaults", "--protocol=socket", "-S", spec.socket, "-u", "root"], { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  client.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => { client.once("close", resolve); client.stdin.end(sql); });
  if (code !== 0) throw new Error(`the sandbox MariaDB refused its grants: ${err}`);
  const data = mariaDbDataDir(spec);
  await run("chown", ["-R", "mysql:mysql", data]);
  await run("find", [data, "-type", "d", "-exec", "chmod", "0700", "{}", "+", "-o", "-type", "f", "-exec", "chmod", "0660", "{}", "+"]);
}

/** Starts the server (initialising its data dir the first time) and makes its grants; its pid. */
export async function startMariaDb(spec: MariaDbSpec, detached: boolean, timeoutMs = 60_000): Promise<number> {
  if (!existsSync(MARIADBD)) throw new Error(`the sandbox's mysql hosts run a real MariaDB, and ${MARIADBD} is missing: install the Debian package mariadb-server`);
  await mkdir(spec.dir, { recursive: true });
  // mariadbd runs as mysql: its folder (socket, pid file) is mysql's, and every folder above must let it through.
  await run("chown", ["mysql:mysql", spec.dir]);
  await chmod(spec.dir, 0o755);
  const data = mariaDbDataDir(spec);
  if (!existsSync(data)) await run("mariadb-install-db", [...SERVER_OPTIONS, `--datadir=${data}`, "--user=mysql", "--auth-root-authentication-method=socket", "--skip-test-db"]);
  const log = await open(join(spec.dir, "mariadb.log"), "a");
  const child = spawn(MARIADBD, [...SERVER_OPTIONS, `--datadir=${data}`, `--socket=${spec.socket}`, "--skip-networking", "--user=mysql", `--pid-file=${join(spec.dir, "mariadb.pid")}`], { stdio: ["ignore", log.fd, log.fd], detached: true });
  await log.close();
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(spec.socket))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      const out = await readFile(join(spec.dir, "mariadb.log"), "utf8").catch(() => "");
      throw new Error(`MariaDB (${MARIADBD} --datadir=${data}) did not answer on ${spec.socket}:\n${out.split("\n").slice(-8).join("\n")}`);
    }
    await sleep(50);
  }
  if (detached) child.unref();
  await restoreMariaDb(spec);
  return child.pid ?? 0;
}
