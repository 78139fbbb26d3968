import { expect } from "chai";
import { loadPlaybook } from "../../src/playbook/load.js";
import { renderParams } from "../../src/playbook/template.js";
import { stepTypes } from "../../src/steps/index.js";
import type { SqlParams } from "../../src/steps/sql.js";

// MariaDB 5.5 and MySQL 5.7 (what BlueKing ships) parse neither; the e2e server is newer and would not notice.
const CTE = /(^|[\s(;])WITH\s+(RECURSIVE\s+)?\w+\s+AS\s*\(/i;
const IF_NOT_EXISTS = /\bIF\s+NOT\s+EXISTS\b/i;

describe("playbook fix-mysql-perms: SQL that MariaDB 5.5 and MySQL 5.7 parse", () => {
  const playbook = loadPlaybook("fix-mysql-perms");
  const context = {
    db_user: "bk_app", db_password: "pw", databases: "*", privileges: "ALL", grant_to: ["10.0.0.12", "10.0.0.13"],
    datadir: "/var/lib/mysql", mysql_login_user: "root", mysql_socket: "/tmp/s.sock", mysql_host: "localhost", mysql_port: 3306,
  };
  const steps = playbook.plays.flatMap((p) => p.steps).filter((s) => s.type === "sql");
  const rendered = steps.map((s) => renderParams(s.params, context, [], stepTypes.get("sql")?.literalParams) as unknown as SqlParams);

  it("has sql steps to check", () => {
    expect(rendered).to.have.length.greaterThan(0);
  });

  it("no CTE (WITH … AS) and no IF NOT EXISTS in any query or probe", () => {
    for (const p of rendered) {
      for (const sql of [p.query, p.unless, p.only_if].filter((q) => q !== undefined)) {
        expect(sql).to.not.match(CTE);
        expect(sql).to.not.match(IF_NOT_EXISTS);
      }
    }
  });

  it("accounts are created only by a prepared CREATE USER; GRANT never carries IDENTIFIED BY", () => {
    for (const p of rendered) {
      for (const statement of p.query.split(";")) {
        if (/\bGRANT\b/i.test(statement)) expect(statement).to.not.match(/IDENTIFIED/i);
        expect(statement).to.not.match(/^\s*CREATE\s+USER\b/i);
      }
      expect(p.query.match(/PREPARE bkplay_create FROM/g)).to.have.length(context.grant_to.length);
    }
  });

  it("the client speaks utf8mb4", () => {
    const sql = stepTypes.get("sql");
    for (const p of rendered) {
      for (const probe of sql?.probes(p as never, { playbookDir: "/", localSha256: () => "" }) ?? []) {
        expect(probe.kind === "command" ? probe.command : "").to.include("--default-character-set=utf8mb4");
      }
    }
  });
});
