import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reservePorts } from "../../src/sandbox/ports.js";
import { bkplay, onTerminal } from "../support/cli.js";
import { MARK_LINE, MARK_PLAYBOOK, runMark, startSshd, useScratch, useUser, writeInventory, type Sshd } from "./lab.js";

const USER = "bkh-pass";
const PASSWORD = "Pw-7f3 'quoted' $HOME";

describe("ssh habits: password authentication (real sshd that accepts passwords only)", function () {
  const scratch = useScratch();
  useUser(USER, { password: PASSWORD });
  let sshd: Sshd;
  let inventory = "";
  const markFile = `/home/${USER}/app.conf`;

  before(async () => {
    const dir = scratch();
    const [port = 0] = await reservePorts(1);
    writeFileSync(join(dir, "authorized_keys"), "");
    sshd = await startSshd(dir, "password", { address: "127.0.0.1", port, authorizedKeys: join(dir, "authorized_keys"), config: ["PasswordAuthentication yes", "PubkeyAuthentication no"] });
    writeFileSync(join(dir, "known_hosts"), `${sshd.knownHost}\n`);
    inventory = writeInventory(join(dir, "hosts.yaml"), { user: USER, known_hosts: join(dir, "known_hosts"), password_env: "BK_SSH_PASS" }, { app: { address: "127.0.0.1", port, mark_file: markFile } });
  });
  after(async () => { await sshd.stop(); });

  const asUser = ["--backup-dir", `/home/${USER}/backups`];

  it("logs in with the password from password_env", async () => {
    const run = await runMark(scratch(), inventory, { BK_SSH_PASS: PASSWORD }, asUser);
    expect(run.errors).to.deep.equal({});
    expect(readFileSync(markFile, "utf8")).to.equal(`${MARK_LINE}\n`);
    expect(sshd.log()).to.include(`Accepted password for ${USER}`);
    expect(run.stdout + run.stderr).not.to.include(PASSWORD);
  });

  it("refuses on one line when the variable is unset and there is no terminal to ask on", async () => {
    const run = await runMark(scratch(), inventory, {}, asUser);
    expect(run.code).to.equal(1);
    expect(run.errors.app).to.equal(
      `app (127.0.0.1:${sshd.port}): authentication failed for user ${USER} (tried nothing); the server accepts password; the server wants a password, but $BK_SSH_PASS is not set and no terminal to ask on`,
    );
  });

  it("names what was tried when the password is wrong", async () => {
    const run = await runMark(scratch(), inventory, { BK_SSH_PASS: "not it" }, asUser);
    expect(run.errors.app).to.equal(`app (127.0.0.1:${sshd.port}): authentication failed for user ${USER} (tried password (from $BK_SSH_PASS)); the server accepts password`);
  });

  it("on a terminal, asks once per user@host, without echo, when password_env is not set", async () => {
    const dir = scratch();
    const files = ["tty-1", "tty-2"].map((n) => join(dir, `${n}.conf`));
    const shared = writeInventory(join(dir, "tty.yaml"), { user: USER, known_hosts: join(dir, "known_hosts"), password_env: "BK_SSH_PASS" }, {
      "tty-1": { address: "127.0.0.1", port: sshd.port, mark_file: `/home/${USER}/tty-1.conf` },
      "tty-2": { address: "127.0.0.1", port: sshd.port, mark_file: `/home/${USER}/tty-2.conf` },
    });
    const screen = await onTerminal(["run", MARK_PLAYBOOK, "-i", shared, "--json", ...asUser], { HOME: join(dir, "home"), SSH_AUTH_SOCK: "" }, /password: $/, PASSWORD);
    expect(screen.match(/bkh-pass@127\.0\.0\.1's password: /g)).to.have.length(1);
    expect(screen).not.to.include(PASSWORD);
    expect(files.map((f) => readFileSync(f.replace(dir, `/home/${USER}`), "utf8"))).to.deep.equal([`${MARK_LINE}\n`, `${MARK_LINE}\n`]);
  });

  it("on a terminal, the progress display stops while the password is asked, then goes on", async () => {
    const dir = scratch();
    const shared = writeInventory(join(dir, "tty.yaml"), { user: USER, known_hosts: join(dir, "known_hosts"), password_env: "BK_SSH_PASS" }, {
      "tty-3": { address: "127.0.0.1", port: sshd.port, mark_file: `/home/${USER}/tty-3.conf` },
    });
    // CI unset: the live display draws only where no CI variable says otherwise.
    const screen = await onTerminal(["run", MARK_PLAYBOOK, "-i", shared, ...asUser], { HOME: join(dir, "home"), SSH_AUTH_SOCK: "", CI: "" }, /password: $/, PASSWORD);
    expect(screen.match(/bkh-pass@127\.0\.0\.1's password: /g)).to.have.length(1);
    expect(screen).to.match(/RECAP mark[^\n]*\n\W*tty-3 +changed/);
    expect(readFileSync(`/home/${USER}/tty-3.conf`, "utf8")).to.equal(`${MARK_LINE}\n`);
  });

  it("refuses an inventory that holds a password in clear, saying where the password goes instead", async () => {
    const file = join(scratch(), "clear.yaml");
    writeFileSync(file, `ssh:\n  user: ${USER}\n  password: hunter2\nhosts:\n  app: { address: 127.0.0.1 }\n`);
    const run = await bkplay(["run", "x.yaml", "-i", file]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`${file}:3:3: password: secrets are never stored in an inventory; remove it and set ssh.password_env to the name of an environment variable holding it`);
    expect(existsSync(join(scratch(), "x.yaml"))).to.equal(false);
  });
});
