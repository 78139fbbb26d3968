import { expect } from "chai";
import { makeRedactor, MASK, unmaskable } from "../../src/report/redact.js";

/** Issue 12 item 5: masking alters the secret's own spellings and secret keys' values, never other text. */
describe("masking: only secret values and secret keys, and only secrets that can be told from other text", () => {
  const own = { playbook: "name: fix-mysql-perms\nvars:\n  mysql_socket: { default: /var/run/mysqld/mysqld.sock }\n", inventory: ["db-1", "mysql", "10.0.0.5"] };

  it("refuses a secret too short, too common, or found in the playbook's text or the inventory's names", () => {
    expect(unmaskable("y", own)).to.match(/too short to be masked safely \(1 character; at least 6\)/);
    expect(unmaskable("mysql", own)).to.match(/too short/);
    expect(unmaskable("Password", own)).to.match(/common word or password/);
    expect(unmaskable("blueking", own)).to.match(/common word or password/);
    expect(unmaskable("mysqld.sock", own)).to.match(/appears in the playbook's own text/);
    expect(unmaskable("10.0.0.5", own)).to.match(/appears in the inventory's host or group names or addresses/);
    expect(unmaskable("\u00e9\u00e9\u00e9\u00e9\u00e9", own), "counted in characters, not bytes").to.match(/5 characters/);
    expect(unmaskable("Vq7-unusual-Secret", own)).to.equal(null);
  });

  it("a secret that can be told apart is masked in every spelling, and nothing else changes", () => {
    const secret = `Vq7'unusual "Secret"`;
    const redact = makeRedactor([secret]);
    const text = `fix-mysql-perms: "mysql_socket": "/tmp/a/mysqld.sock", y and yy stay; sh: 'Vq7'\\''unusual "Secret"'; json: "Vq7'unusual \\"Secret\\""`;
    expect(redact(text)).to.equal(`fix-mysql-perms: "mysql_socket": "/tmp/a/mysqld.sock", y and yy stay; sh: ${MASK}; json: "${MASK}"`);
  });

  it("values of secret keys are masked, their keys and the rest of the line kept", () => {
    const redact = makeRedactor([]);
    expect(redact("DATABASE_PASSWORD = 'x1'  # keep\nmysql_socket = /run/mysqld.sock\n")).to.equal(`DATABASE_PASSWORD = '${MASK}'  # keep\nmysql_socket = /run/mysqld.sock\n`);
  });
});
