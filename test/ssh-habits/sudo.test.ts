import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reservePorts } from "../../src/sandbox/ports.js";
import { clientKey, MARK_LINE, publicKeyOf, runMark, startSshd, useScratch, useUser, writeInventory, type Sshd } from "./lab.js";

const SUDO_PASSWORD = "Sudo-pw 'x' $(id)";

describe("ssh habits: become through sudo (real sshd, real sudo)", function () {
  const scratch = useScratch();
  useUser("bkh-ops", { sudoers: "ALL=(ALL) NOPASSWD: ALL" });
  useUser("bkh-pw", { password: SUDO_PASSWORD, sudoers: "ALL=(ALL) ALL" });
  useUser("bkh-none", { password: SUDO_PASSWORD });
  let sshd: Sshd;
  let root = "";
  const target = (name: string): string => join(root, `${name}.conf`);

  before(async () => {
    const dir = scratch();
    const key = await clientKey(dir, "ops_ed25519");
    chmodSync(key, 0o600);
    writeFileSync(join(dir, "authorized_keys"), publicKeyOf(key), { mode: 0o644 });
    const [port = 0] = await reservePorts(1);
    sshd = await startSshd(dir, "sudo", { address: "127.0.0.1", port, authorizedKeys: join(dir, "authorized_keys") });
    writeFileSync(join(dir, "known_hosts"), `${sshd.knownHost}\n`);
    // Root-owned files in a directory only root may write: no way to change them without sudo.
    root = join(dir, "etc");
    mkdirSync(root, { mode: 0o755 });
    for (const name of ["ops", "pw", "nopasswd-with-env", "none", "none-with-env"]) writeFileSync(target(name), "listen 80\n", { mode: 0o640 });
  });
  after(async () => { await sshd.stop(); });

  const inventory = (name: string, user: string, ssh: Record<string, unknown>): string => {
    const dir = scratch();
    return writeInventory(join(dir, `${name}.yaml`), { identity_file: join(dir, "ops_ed25519"), known_hosts: join(dir, "known_hosts"), user, ...ssh }, { [name]: { address: "127.0.0.1", port: sshd.port, mark_file: target(name) } });
  };
  const untouched = (name: string): void => {
    expect(readFileSync(target(name), "utf8")).to.equal("listen 80\n");
  };

  it("edits a root-owned file as a user with passwordless sudo, keeping owner and mode", async () => {
    const run = await runMark(scratch(), inventory("ops", "bkh-ops", { become: true }));
    expect(run.errors).to.deep.equal({});
    expect(readFileSync(target("ops"), "utf8")).to.equal(`listen 80\n${MARK_LINE}\n`);
    const st = statSync(target("ops"));
    expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 }).to.deep.equal({ uid: 0, gid: 0, mode: 0o640 });
    expect(sshd.log()).to.include("Accepted publickey for bkh-ops");
  });

  it("sends the sudo password from become_password_env on stdin, never showing it", async () => {
    const run = await runMark(scratch(), inventory("pw", "bkh-pw", { become: true, become_password_env: "BK_SUDO_PASS" }), { BK_SUDO_PASS: SUDO_PASSWORD });
    expect(run.errors).to.deep.equal({});
    expect(readFileSync(target("pw"), "utf8")).to.equal(`listen 80\n${MARK_LINE}\n`);
    expect(run.stdout + run.stderr).not.to.include(SUDO_PASSWORD);
  });

  it("skips the password line when sudo asks none (NOPASSWD), rather than running it", async () => {
    const witness = join(scratch(), "the password line ran");
    const run = await runMark(scratch(), inventory("nopasswd-with-env", "bkh-ops", { become: true, become_password_env: "BK_SUDO_PASS" }), { BK_SUDO_PASS: `touch '${witness}'` });
    expect(run.errors).to.deep.equal({});
    expect(existsSync(witness)).to.equal(false);
    expect(readFileSync(target("nopasswd-with-env"), "utf8")).to.equal(`listen 80\n${MARK_LINE}\n`);
  });

  it("a user without passwordless sudo gets one line naming host and users, and nothing changes", async () => {
    const run = await runMark(scratch(), inventory("none", "bkh-none", { become: true }));
    expect(run.code).to.equal(1);
    expect(run.errors.none).to.equal("none: sudo as root: bkh-none needs a password for sudo; set ssh.become_password_env, or allow NOPASSWD");
    untouched("none");
  });

  it("a user not in sudoers is told so, and nothing changes", async () => {
    const run = await runMark(scratch(), inventory("none-with-env", "bkh-none", { become: true, become_password_env: "BK_SUDO_PASS" }), { BK_SUDO_PASS: SUDO_PASSWORD });
    expect(run.errors["none-with-env"]).to.equal("none-with-env: sudo as root: bkh-none is not allowed to (sudoers)");
    expect(run.stdout + run.stderr).not.to.include(SUDO_PASSWORD);
    untouched("none-with-env");
  });
});
