import { expect } from "chai";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildApplyScript } from "../../src/engine/apply-script.js";
import type { Change } from "../../src/steps/types.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { leftoverCandidates } from "./sshd-faults.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const OLD = "# managed elsewhere\nlevel=1\n";
const NEW = "# managed elsewhere\nlevel=2\n";

describe("one host's files are all old or all new; durable writes; uploads (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(1, "sshd");
  const host = (): { name: string; root: string } => f.fleet().hosts[0] ?? { name: "", root: "" };
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "whole-hosts.yaml"));
  let n = 0;
  /** A fresh directory on the host with a.conf, b.conf and c.conf at `level=1`. */
  const seed = (): string => {
    const dir = join(host().root, `whole-${++n}`);
    mkdirSync(dir, { recursive: true });
    for (const name of ["a.conf", "b.conf", "c.conf"]) writeFileSync(join(dir, name), OLD);
    return dir;
  };
  const read = (dir: string): string[] => ["a.conf", "b.conf", "c.conf"].map((name) => readFileSync(join(dir, name), "utf8"));
  /** The handlers owed on the host (its state dir is somewhere below the fleet's directory). */
  const owed = (): string => findFiles(f.dir(), "pending").map((p) => readFileSync(p, "utf8")).join("");

  it("the second of three files immutable: the first is put back from the backup, the host is as it was, no handler owed (item 12)", async () => {
    const dir = seed();
    execFileSync("chattr", ["+i", join(dir, "b.conf")]);
    try {
      const r = await bkplay(["run", join(fixtures, "edit-three.yaml"), "-i", inv(), "-e", `dir=${dir}`, "--json"]);
      expect(r.code, r.stderr).to.equal(1);
      const h = reportOf(r).hosts[0];
      expect(h?.status).to.equal("failed");
      expect(h?.error).to.match(/cannot rename candidate into .*b\.conf: Operation not permitted \(EPERM\); restored 1 file; the host is as it was$/);
      expect(read(dir)).to.deep.equal([OLD, OLD, OLD]);
      expect(h?.files, "no file is recorded as changed by this run").to.deep.equal([]);
      expect(h?.steps.map((s) => s.status)).to.deep.equal(["not-run", "failed", "not-run", "not-run", "not-run"].slice(0, h?.steps.length));
      expect(existsSync(join(dir, "reloads")), "no handler ran").to.equal(false);
      expect(owed(), "the undone change's handler is owed no more").not.to.include(Buffer.from("reload a").toString("base64"));
      expect(leftoverCandidates(dir)).to.deep.equal([]);
    } finally {
      execFileSync("chattr", ["-i", join(dir, "b.conf")]);
    }
    const again = await bkplay(["run", join(fixtures, "edit-three.yaml"), "-i", inv(), "-e", `dir=${dir}`]);
    expect(again.code, again.stderr).to.equal(0);
    expect(read(dir)).to.deep.equal([NEW, NEW, NEW]);
    expect(readFileSync(join(dir, "reloads"), "utf8")).to.equal("a\nb\n");
  });

  it("candidates and backups are flushed before the first rename, the directories after the last: two sync processes per run of writes (item 13)", () => {
    const changes: Change[] = ["/data/x/a.conf", "/data/y/b.conf", "/data/x/c.conf"].map((path) => ({ kind: "write-file", path, beforeSha256: "0".repeat(64), content: "new\n" }));
    const script = buildApplyScript(changes, { runId: "20250101T000000-abcdef", playbook: "p", stateDir: "/s", backupRoot: "/b", lockTimeout: 1, by: "u@c", startedAt: "now", readLocal: () => Buffer.alloc(0), notifies: [[], [], []], handlerOf: [undefined, undefined, undefined] });
    const lines = script.split("\n");
    const at = (re: RegExp): number[] => lines.flatMap((l, i) => (re.test(l) ? [i] : []));
    const flushes = at(/^bk_flush /);
    expect(flushes).to.have.length(2);
    const [before = -1, after = -1] = flushes;
    expect(Math.max(...at(/^bk_candidate /), ...at(/^\(cd \/ && cp -pP --parents/))).to.be.below(before);
    expect(before).to.be.below(Math.min(...at(/^bk_place /)));
    expect(after).to.be.above(Math.max(...at(/^bk_place /)));
    expect(lines[before]).to.equal("bk_flush 0 /data/x/.a.conf.bkplay-20250101T000000-abcdef /data/y/.b.conf.bkplay-20250101T000000-abcdef /data/x/.c.conf.bkplay-20250101T000000-abcdef /b/20250101T000000-abcdef/backup/data/x/a.conf /b/20250101T000000-abcdef/backup/data/y/b.conf /b/20250101T000000-abcdef/backup/data/x/c.conf");
    expect(lines[after]).to.equal("bk_flush 2 /data/x /data/y");
  });

  it("on a real host: fsync of each candidate before its rename, of its directory after (traced)", async function () {
    if (spawnSync("strace", ["-V"]).status !== 0) this.skip();
    const dir = seed();
    const sshd = sshdListener(join(f.dir(), "hosts", host().name));
    const trace = join(f.dir(), `fsync-${n}.trace`);
    const tracer = spawn("strace", ["-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", trace, "-p", String(sshd)], { stdio: "ignore" });
    try {
      await sleep(500);
      const r = await bkplay(["run", join(fixtures, "edit-three.yaml"), "-i", inv(), "-e", `dir=${dir}`]);
      expect(r.code, r.stderr).to.equal(0);
    } finally {
      tracer.kill("SIGINT");
      await new Promise((done) => tracer.on("close", done));
    }
    const calls = readFileSync(trace, "utf8").split("\n");
    const index = (re: RegExp): number => calls.findIndex((l) => re.test(l));
    for (const name of ["a.conf", "b.conf", "c.conf"]) {
      const synced = index(new RegExp(`fsync\\(\\d+<${dir}/\\.${name.replace(".", "\\.")}\\.bkplay-`));
      const renamed = index(new RegExp(`rename\\w*\\(.*"${dir}/\\.${name.replace(".", "\\.")}\\.bkplay-[^"]*".*"${dir}/${name.replace(".", "\\.")}"`));
      expect(synced, `fsync of ${name}'s candidate`).to.be.at.least(0);
      expect(renamed, `rename of ${name}'s candidate`).to.be.above(synced);
    }
    const dirSynced = calls.findIndex((l) => new RegExp(`fsync\\(\\d+<${dir}>\\)`).test(l));
    expect(dirSynced, "fsync of the directory").to.be.above(index(new RegExp(`rename\\w*\\(.*"${dir}/c\\.conf"`)));
  });

  it("packages=../../(…)/etc/hostname is refused before any host is contacted: only an archive or a directory of wheels/sdists is uploaded (item 14)", async () => {
    const dest = join(host().root, "mirror-refused");
    const local = join(f.dir(), "not-packages");
    mkdirSync(local, { recursive: true });
    writeFileSync(join(local, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for (const [packages, why] of [
      [relative(fixtures, "/etc/hostname"), /\/etc\/hostname is not a \.tar\.gz or \.tgz archive, nor a directory of Python wheels\/sdists/],
      [local, /id_rsa is not a Python wheel or sdist/],
    ] as const) {
      const r = await bkplay(["run", join(fixtures, "upload-archive.yaml"), "-i", inv(), "-e", `packages=${packages}`, "-e", `dest=${dest}`]);
      expect(r.code, r.stderr + r.stdout).to.equal(2);
      expect(r.stderr).to.match(why).and.match(/upload-archive\.yaml:\d+:\d+: unarchive src /);
      expect(existsSync(dest), "nothing reached the host").to.equal(false);
    }
  });

  it("a failed extract removes the archive it uploaded, and says why (items 14, 15)", async () => {
    const dest = join(host().root, "mirror-broken");
    const archive = join(f.dir(), "broken.tar.gz");
    writeFileSync(archive, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(512)]));
    const r = await bkplay(["run", join(fixtures, "upload-archive.yaml"), "-i", inv(), "-e", `packages=${archive}`, "-e", `dest=${dest}`, "--json"]);
    expect(r.code, r.stderr).to.equal(1);
    expect(reportOf(r).hosts[0]?.error).to.match(/cannot extract .*\.bkplay-archive\.tar\.gz: \S/);
    expect(readdirSync(dest).filter((e) => e.includes("bkplay-archive"))).to.deep.equal([]);
  });

  it("a full disk and a read-only filesystem: the cause stays in the message (item 15)", async () => {
    const full = join(host().root, "full");
    mkdirSync(full);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full]);
    const readOnly = join(host().root, "read-only");
    mkdirSync(readOnly);
    try {
      writeFileSync(join(full, "app.conf"), "setting=1\n".repeat(1000));
      expect(() => { writeFileSync(join(full, "filler"), Buffer.alloc(64 << 10)); }).to.throw(/ENOSPC/);
      writeFileSync(join(readOnly, "app.conf"), "setting=1\n");
      execFileSync("mount", ["--bind", "-o", "ro", readOnly, readOnly]);
      for (const [target, cause] of [[join(full, "app.conf"), "No space left on device (ENOSPC)"], [join(readOnly, "app.conf"), "Read-only file system (EROFS)"]] as const) {
        const r = await bkplay(["run", join(fixtures, "edit.yaml"), "-i", inv(), "-e", `file=${target}`, "--json"]);
        expect(r.code, r.stderr).to.equal(1);
        expect(reportOf(r).hosts[0]?.error).to.include(`cannot write candidate ${target.replace(/app\.conf$/, ".app.conf.bkplay-")}`).and.include(`: ${cause}`);
      }
    } finally {
      spawnSync("umount", [full]);
      spawnSync("umount", [readOnly]);
    }
  });
});

/** The pid of the host's sshd listener (its command line names the host's sshd_config). */
function sshdListener(hostDir: string): number {
  const config = join(hostDir, "sshd_config");
  const pid = readdirSync("/proc").find((d) => /^\d+$/.test(d) && safeRead(`/proc/${d}/cmdline`).replaceAll("\0", " ").includes(config));
  if (pid === undefined) throw new Error(`no sshd running with ${config}`);
  return Number(pid);
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => p.endsWith(`/${name}`)).map((p) => join(dir, p));
}
