import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { DB_PASSWORD } from "../../src/sandbox/trees/secrets.js";
import { bkplay } from "../support/cli.js";
import { useFleet } from "../support/fleet.js";
import { doctor, readOnlyDoctor, roles, seen, useAgentNginx } from "./support.js";

describe("doctor mysql.grants and mysql.datadir against the fleet's real MariaDB (bkce 5.x, 6 hosts, sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "ce5", { mysql: true });
  useAgentNginx();
  const { one, role } = roles(f.fleet);
  const inv = (): string => f.fleet().inventoryFile;
  const socket = (): string => one("mysql").mysqlSocket ?? "";
  const datadir = (): string => join(f.dir(), "mysql", "data");
  const sql = (query: string): string => execFileSync("mysql", ["--no-defaults", "-S", socket(), "-u", "root", "-N", "-B", "-e", query], { encoding: "utf8" });
  /** fix-mysql-perms as the finding says, the password from the environment (never argv). */
  const fix = async (command: string | undefined): Promise<void> => {
    const args = (command ?? "").replace(/^bkplay plan /, "run ").replace(/ -o \S+$/, "").split(" ");
    const r = await bkplay([...args, "--log-dir", join(f.dir(), "audit")], { env: { BKPLAY_VAR_db_password: DB_PASSWORD } });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  };
  afterEach(() => f.reset());

  it("mysql.grants: the app user's account for the agents' address dropped, then left with USAGE only; the ready fix-mysql-perms command grants it again", async () => {
    const mysql = one("mysql");
    const agents = [...role("appo"), ...role("appt")].map((h) => h.name);
    sql("DROP USER 'root'@'127.0.0.1'");
    const dropped = await readOnlyDoctor(f);
    expect(seen(dropped)).to.deep.equal([`mysql.grants fail ${[mysql.name, ...agents].sort().join(",")}`]);
    expect(dropped.findings[0]?.message).to.equal(`${mysql.name} does not let root in from ${agents.map((a) => `${a} (127.0.0.1)`).join(", ")}`);
    expect(dropped.findings[0]?.evidence?.[0]).to.match(/^app user root: DATABASES USER in bk-\d:.*open_paas\/paas\/conf\/settings_production\.py$/);
    const command = `bkplay plan fix-mysql-perms -i ${inv()} -e db_user=root -e datadir=${datadir()} -o fix-mysql-perms.plan.json`;
    expect(dropped.findings[0]?.fix?.command).to.equal(command);

    sql("CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY 'Usage#only9'");
    const usage = await readOnlyDoctor(f, [], ["Usage#only9"]);
    expect(usage.findings[0]?.evidence?.[1]).to.equal(`${mysql.name}: 'root'@'127.0.0.1' (the account MySQL picks for 127.0.0.1) holds no privilege (USAGE only)`);

    await fix(usage.findings[0]?.fix?.command);
    expect(sql("SHOW GRANTS FOR 'root'@'127.0.0.1'")).to.match(/GRANT ALL PRIVILEGES ON \*\.\* TO `root`@`127\.0\.0\.1`/);
    expect(seen(await readOnlyDoctor(f))).to.deep.equal([]);
  });

  it("mysql.datadir: the runbook's chmod -R 755 is a warn (tables readable by any user; --strict exits 1); a database folder root took is a fail; the ready command repairs both", async () => {
    const mysql = one("mysql");
    execFileSync("chmod", ["-R", "755", datadir()]);
    const opened = await readOnlyDoctor(f);
    expect(seen(opened)).to.deep.equal([`mysql.datadir warn ${mysql.name}`]);
    expect(opened.findings[0]?.message).to.match(new RegExp(`^\\d+ files of mysql's in ${datadir()} are readable by other users or executable \\(a chmod -R went by\\): `));
    expect(opened.code).to.equal(0);
    expect((await doctor(["-i", inv(), "--strict"])).run.code).to.equal(1);

    execFileSync("chown", ["root:root", join(datadir(), "mysql")]);
    execFileSync("chmod", ["700", join(datadir(), "mysql")]);
    const blocked = await readOnlyDoctor(f);
    expect(seen(blocked)).to.deep.equal([`mysql.datadir fail ${mysql.name}`]);
    expect(blocked.findings[0]?.message).to.equal(`mysql cannot read 1 entry of its data dir ${datadir()}: mysql`);
    expect(blocked.findings[0]?.evidence?.[0]).to.equal(`${mysql.name}: ${datadir()}/mysql dir root:root 0700`);
    expect(blocked.findings[0]?.fix?.command).to.equal(`bkplay plan fix-mysql-perms -i ${inv()} -e db_user=root -e datadir=${datadir()} -o fix-mysql-perms.plan.json`);

    await fix(blocked.findings[0]?.fix?.command);
    expect(seen(await readOnlyDoctor(f))).to.deep.equal([]);
  });
});
