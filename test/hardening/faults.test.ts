import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exitCodeOf, type HostResult, type RunReport } from "../../src/engine/results.js";
import { bkplay, reportOf } from "../support/cli.js";
import type { Daemon } from "../support/daemon.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { runInProcess } from "./run-in-process.js";
import { hasSessionShell, killSshd, leftoverCandidates, restartSshd, waitFor, waitForOrphans } from "./sshd-faults.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
const OLD = "# managed elsewhere\ndomain=old.example.com\n";
const NEW = "# managed elsewhere\ndomain=new.example.com\n";

describe("faults mid-change on a 30-host fleet (sshd)", function () {
  this.timeout(90_000);
  const f = useFleet(30, "sshd");
  const restarted: Daemon[] = [];
  const hosts = (): { name: string; root: string }[] => f.fleet().hosts;
  const host = (i: number): { name: string; root: string } => hosts()[i] ?? { name: "", root: "" };
  const hostDir = (name: string): string => join(f.dir(), "hosts", name);
  const inv = (vars: Record<string, Record<string, unknown>> = {}): string => writeInventory(f.fleet(), join(f.dir(), "faults-hosts.yaml"), { vars });
  const hostReport = (report: RunReport, name: string): HostResult | undefined => report.hosts.find((h) => h.host === name);

  before(() => {
    for (const h of hosts()) {
      mkdirSync(join(h.root, "faults"));
      for (const file of ["a.conf", "b.conf"]) writeFileSync(join(h.root, "faults", file), OLD);
    }
  });
  after(() => Promise.all(restarted.map((d) => d.stop())));

  it("sshd killed on a third of the hosts mid-apply: every file old or new, no candidate left, each failure named; restarted, a re-run converges", async () => {
    const victims = hosts().filter((_, i) => i % 3 === 0);
    // The others go straight on; a victim holds in its pause step until its sshd is killed (however loaded the machine).
    for (const h of hosts()) if (!victims.includes(h)) writeFileSync(join(h.root, "faults", "release"), "");
    const run = (): ReturnType<typeof bkplay> => bkplay(["run", join(fixtures, "faults.yaml"), "-i", inv(), "--forks", "30", "--json"]);
    const running = run();
    // A victim's apply is under way once its pause step has started: its first file is written, its second is not yet.
    await Promise.all(victims.map(async (h) => {
      await waitFor(`${h.name} to start applying`, () => existsSync(join(h.root, "faults/applying")));
      killSshd(hostDir(h.name));
      // The orphaned script goes on as it would after any pause: whatever it does now reaches nobody.
      writeFileSync(join(h.root, "faults", "release"), "");
    }));
    const r = await running;
    await waitForOrphans(victims.map((h) => hostDir(h.name)));
    expect(r.code, r.stderr).to.equal(1);
    const report = reportOf(r);
    for (const h of hosts()) {
      for (const file of ["a.conf", "b.conf"]) expect([OLD, NEW], `${h.name} ${file}`).to.include(readFileSync(join(h.root, "faults", file), "utf8"));
      const result = hostReport(report, h.name);
      if (victims.includes(h)) {
        expect(result?.status, h.name).to.equal("failed");
        expect(result?.error, h.name).to.match(/connection lost/);
      } else expect(result?.status, `${h.name}: ${result?.error ?? ""}`).to.equal("changed");
    }
    expect(leftoverCandidates(join(f.dir(), "hosts"))).to.deep.equal([]);

    restarted.push(...(await Promise.all(victims.map((h) => restartSshd(hostDir(h.name))))));
    const again = await run();
    expect(again.code, again.stderr + again.stdout.slice(0, 2000)).to.equal(0);
    const third = await run();
    expect(third.code, third.stderr).to.equal(0);
    expect((reportOf(third)).hosts.filter((h) => h.status !== "ok").map((h) => h.host)).to.deep.equal([]);
    for (const h of hosts()) for (const file of ["a.conf", "b.conf"]) expect(readFileSync(join(h.root, "faults", file), "utf8")).to.equal(NEW);
  });

  it("a connection dropped during a 20 MB upload leaves the target old or complete, never partial, and no candidate", async () => {
    const h = host(1);
    const dest = join(h.root, "faults/big.bin");
    writeFileSync(dest, "old\n");
    const data = randomBytes(20 << 20);
    const src = join(f.dir(), "big.bin");
    writeFileSync(src, data);
    let cut: Promise<void> | undefined;
    const report = await runInProcess(join(fixtures, "upload.yaml"), inv(), [`src=${src}`, `dest=${dest}`], h.name, {
      onEvent: (e) => {
        // The shell reading the apply script exists while the script (27 MB of base64) is still arriving.
        if (e.phase === "apply") cut = waitFor("the apply shell", () => hasSessionShell(hostDir(h.name)), 10_000, 1).then(() => { killSshd(hostDir(h.name)); });
      },
    });
    await cut;
    await waitForOrphans([hostDir(h.name)]);
    restarted.push(await restartSshd(hostDir(h.name)));
    const result = hostReport(report, h.name);
    const got = readFileSync(dest);
    expect(got.equals(Buffer.from("old\n")) || got.equals(data), `partial target: ${got.length} bytes`).to.equal(true);
    if (result?.status !== "changed") expect(result?.error).to.match(/connection lost/);
    expect(leftoverCandidates(join(h.root, "faults"))).to.deep.equal([]);
  });

  it("a full filesystem: the edit fails with 'cannot write candidate', the live file is intact, no candidate left", async () => {
    const h = host(2);
    const dir = join(h.root, "faults/full");
    mkdirSync(dir);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
    try {
      const target = join(dir, "app.conf");
      writeFileSync(target, "setting=1\n".repeat(1000));
      expect(() => { writeFileSync(join(dir, "filler"), Buffer.alloc(64 << 10)); }).to.throw(/ENOSPC/);
      const before = readFileSync(target);
      const r = await bkplay(["run", join(fixtures, "edit.yaml"), "-i", inv(), "--limit", h.name, "-e", `file=${target}`, "--json"]);
      expect(r.code, r.stderr).to.equal(1);
      expect(hostReport(reportOf(r), h.name)?.error).to.match(/cannot write candidate/);
      expect(readFileSync(target).equals(before)).to.equal(true);
      expect(leftoverCandidates(dir)).to.deep.equal([]);
    } finally {
      execFileSync("umount", [dir]);
    }
  });

  it("a read-only target: the edit fails clearly, the file is intact, no candidate left", async () => {
    const h = host(4);
    const target = join(h.root, "faults/a.conf");
    const before = readFileSync(target);
    const undo = makeReadOnly(target);
    try {
      const r = await bkplay(["run", join(fixtures, "edit.yaml"), "-i", inv(), "--limit", h.name, "-e", `file=${target}`, "--json"]);
      expect(r.code, r.stderr).to.equal(1);
      expect(hostReport(reportOf(r), h.name)?.error).to.match(/cannot rename candidate into .*a\.conf/);
      expect(readFileSync(target).equals(before)).to.equal(true);
      expect(leftoverCandidates(join(h.root, "faults"))).to.deep.equal([]);
    } finally {
      undo();
    }
  });

  it("the target deleted, or modified, between probe and apply: the host is refused (exit 3) and the file left as found", async () => {
    const [gone, edited] = [host(5), host(7)];
    const target = (h: { root: string }): string => join(h.root, "faults/drift.conf");
    for (const h of [gone, edited]) writeFileSync(target(h), "original\n");
    const vars = Object.fromEntries([gone, edited].map((h) => [h.name, { file: target(h) }]));
    const report = await runInProcess(join(fixtures, "edit.yaml"), inv(vars), [], `${gone.name},${edited.name}`, {
      afterProbe: (name) => {
        if (name === gone.name) rmSync(target(gone));
        else appendFileSync(target(edited), "edited meanwhile\n");
      },
    });
    expect(exitCodeOf(report)).to.equal(3);
    for (const h of [gone, edited]) {
      expect(hostReport(report, h.name)?.status).to.equal("refused");
      expect(hostReport(report, h.name)?.error).to.match(/drift\.conf changed since it was planned/);
      expect(leftoverCandidates(join(h.root, "faults"))).to.deep.equal([]);
    }
    expect(existsSync(target(gone))).to.equal(false);
    expect(readFileSync(target(edited), "utf8")).to.equal("original\nedited meanwhile\n");
  });

  it("of several files, the last modified between probe and apply: the host is refused (exit 3) naming it, and no file is touched", async () => {
    const h = host(9);
    const [first, last] = ["drift-a.conf", "drift-b.conf"].map((name) => join(h.root, "faults", name));
    for (const file of [first, last]) writeFileSync(file ?? "", "original\n");
    const report = await runInProcess(join(fixtures, "edit-two.yaml"), inv({ [h.name]: { file: first, other: last } }), [], h.name, {
      afterProbe: () => { appendFileSync(last ?? "", "edited meanwhile\n"); },
    });
    expect(exitCodeOf(report)).to.equal(3);
    expect(hostReport(report, h.name)?.error).to.match(/drift-b\.conf changed since it was planned.*nothing was changed on this host/);
    expect([first, last].map((file) => readFileSync(file ?? "", "utf8"))).to.deep.equal(["original\n", "original\nedited meanwhile\n"]);
    expect(leftoverCandidates(join(h.root, "faults"))).to.deep.equal([]);
  });
});

/** `chattr +i` where the filesystem supports it, else a read-only bind mount; returns the undo. */
function makeReadOnly(path: string): () => void {
  try {
    execFileSync("chattr", ["+i", path], { stdio: "ignore" });
    return () => execFileSync("chattr", ["-i", path]);
  } catch {
    execFileSync("mount", ["--bind", "-o", "ro", path, path]);
    return () => execFileSync("umount", [path]);
  }
}
