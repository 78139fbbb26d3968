import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const canary = `/tmp/bkplay-paths-canary-${process.pid}`;
/** A path component with every character sh treats specially, that still names one directory. */
const NASTY = `it's a "dir" $(touch ${canary.replaceAll("/", "_")}) \`id\` ; & | 中文 🚀`;

describe("hostile paths and secrets reach the host intact (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(1, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "paths-hosts.yaml"));
  const root = (): string => f.fleet().hosts[0]?.root ?? "";

  it("copy and unarchive from and to paths with spaces, quotes and shell syntax; a re-run changes nothing", async () => {
    const local = join(f.dir(), NASTY);
    const tree = join(local, `tree 'q'`);
    mkdirSync(join(tree, `sub "d"`), { recursive: true });
    const payload = randomBytes(4096);
    writeFileSync(join(local, `file 'q' "d".bin`), payload);
    writeFileSync(join(tree, `sub "d"`, `$(x) 'y'.txt`), "inside\n");
    // unarchive uploads an archive (or a directory of Python packages only): the tree goes as a .tar.gz.
    const archive = join(local, `tree 'q' "d".tar.gz`);
    execFileSync("tar", ["-czf", archive, "-C", tree, "."]);
    const vars = ["-e", `src_file=${join(local, `file 'q' "d".bin`)}`, "-e", `src_dir=${archive}`, "-e", `sub=${NASTY}`];
    const first = await bkplay(["run", join(fixtures, "paths.yaml"), "-i", inv(), ...vars]);
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    expect(readFileSync(join(root(), NASTY, `copied ${NASTY}`)).equals(payload)).to.equal(true);
    expect(readFileSync(join(root(), NASTY, "tree", `sub "d"`, `$(x) 'y'.txt`), "utf8")).to.equal("inside\n");
    const again = await bkplay(["run", join(fixtures, "paths.yaml"), "-i", inv(), ...vars, "--json"]);
    expect(again.code, again.stderr).to.equal(0);
    expect((reportOf(again)).hosts.map((h) => h.status)).to.deep.equal(["ok"]);
    expect(existsSync(canary.replaceAll("/", "_")) || existsSync(join("/root", canary.replaceAll("/", "_")))).to.equal(false);
  });

  it("sql: the password reaches the client only on stdin, never argv; every display masks it", async () => {
    const pw = `p'w"d\\ $(touch ${canary}) 中文 ;`;
    const spy = join(root(), "bin", "mysql-spy");
    mkdirSync(join(root(), "bin"), { recursive: true });
    // Records what a real client would see: its argv, its option file and its stdin.
    writeFileSync(spy, `#!/bin/sh\nd=$(dirname "$0")\nprintf '%s\\n' "$@" > "$d/argv"\nfor a; do case $a in --defaults-extra-file=*) cat "\${a#*=}" > "$d/options";; esac; done\ncat > "$d/stdin"\n`);
    chmodSync(spy, 0o755);
    const args = ["run", join(fixtures, "sql.yaml"), "-i", inv(), "-e", `pw=${pw}`, "-e", `client=${spy}`];
    const check = await bkplay([...args, "--check", "--diff"]);
    const applied = await bkplay([...args, "--json"]);
    expect(check.code, check.stderr).to.equal(0);
    expect(applied.code, applied.stderr + applied.stdout).to.equal(0);
    for (const out of [check.stdout, check.stderr, applied.stdout, applied.stderr]) {
      expect(out).not.to.include("p'w");
      expect(out).not.to.include("p''w");
    }
    expect(check.stdout).to.include("IDENTIFIED BY '••••'");
    const step = (reportOf(applied)).hosts[0]?.steps[0];
    expect(JSON.stringify(step?.changes)).to.include("IDENTIFIED BY '••••'").and.not.include("stdin");
    const bin = join(root(), "bin");
    const argv = readFileSync(join(bin, "argv"), "utf8");
    expect(argv).to.match(/--defaults-extra-file=/).and.include("--user=root");
    expect(argv).not.to.include("p'w").and.not.include("touch");
    expect(readFileSync(join(bin, "options"), "utf8")).to.equal(`[client]\npassword="p\\'w\\"d\\\\ $(touch ${canary}) 中文 ;"\n`);
    expect(readFileSync(join(bin, "stdin"), "utf8")).to.equal(`ALTER USER 'app'@'%' IDENTIFIED BY 'p''w"d\\\\ $(touch ${canary}) 中文 ;';`);
    expect(existsSync(canary)).to.equal(false);
  });
});
