import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { sandboxVars } from "../../src/sandbox/fleet-files.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/slow-handler.yaml");
const BIN = join(import.meta.dirname, "../../../bin/bkplay.js");

describe("concurrent runs and interruption (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(4, "sshd");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "conc-hosts.yaml"));
  const levelFile = (i: number): string => join(f.fleet().hosts[i]?.root ?? "", "etc/level.conf");
  /** The host's fixed state directory: its apply lock lives there whatever the backup directory. */
  const stateDir = (i: number): string => {
    const h = f.fleet().hosts[i];
    return h ? sandboxVars(h).bkplay_state_dir ?? "" : "";
  };
  beforeEach(() => f.reset());

  it("an apply waits for the host's lock, whatever its backup directory, then fails clearly after --lock-timeout; nothing is written", async () => {
    mkdirSync(stateDir(0), { recursive: true });
    writeFileSync(join(stateDir(0), "lock.owner"), "run other-run, pid 1, since 2026-11-22T00:00:00Z");
    // Its own process group: killing it must also end the `sleep` that holds the lock.
    const holder = spawn("flock", [join(stateDir(0), "lock"), "sleep", "120"], { stdio: "ignore", detached: true });
    // The holder must own the lock before the run reaches its apply.
    const lockWait = Date.now();
    while (spawnSync("flock", ["-n", join(stateDir(0), "lock"), "true"]).status === 0 && Date.now() - lockWait < 10_000) await new Promise((r) => setTimeout(r, 50));
    try {
      // Another backup directory than the lock holder's: the lock is still the host's one.
      const other = Object.fromEntries(f.fleet().hosts.map((h) => [h.name, { bkplay_backup_dir: join(f.dir(), "other-backups", h.name) }]));
      const file = writeInventory(f.fleet(), join(f.dir(), "conc-other-backups.yaml"), { vars: other });
      const r = await bkplay(["run", playbook, "-i", file, "-e", "level=2", "--lock-timeout", "1", "--json", "--log-dir", join(f.dir(), "audit")]);
      expect(r.code).to.equal(1);
      const report = reportOf(r);
      const locked = report.hosts.find((h) => h.host === "bk-1");
      expect(locked?.status).to.equal("failed");
      expect(locked?.error).to.match(/another bkplay run is applying on this host \(run other-run, pid 1.*waited 1 s/);
      expect(existsSync(levelFile(0))).to.equal(false);
      expect(readFileSync(levelFile(1), "utf8")).to.equal("level=2\n");
    } finally {
      process.kill(-(holder.pid ?? 0), "SIGKILL");
    }
  });

  it("a lock record left by a dead run is reported, and the run goes ahead", async () => {
    mkdirSync(stateDir(0), { recursive: true });
    writeFileSync(join(stateDir(0), "lock.owner"), "run dead-run, pid 999999, since 2026-11-22T00:00:00Z");
    const r = await bkplay(["run", playbook, "-i", inv(), "-e", "level=3", "--json", "--log-dir", join(f.dir(), "audit")]);
    expect(r.code, r.stderr).to.equal(0);
    const report = reportOf(r);
    expect(report.hosts.find((h) => h.host === "bk-1")?.notes.join(" ")).to.match(/earlier run was interrupted .*dead-run/);
    expect(existsSync(join(stateDir(0), "lock.owner"))).to.equal(false);
  });

  it("two runs at once never interleave writes: each file is wholly one run's, the loser is refused, not merged", async () => {
    const [a, b] = await Promise.all([4, 5].map((n) => bkplay(["run", playbook, "-i", inv(), "-e", `level=${n}`, "-e", "pause=1", "--json", "--log-dir", join(f.dir(), "audit")])));
    expect([a?.code, b?.code].sort()).to.satisfy((codes: number[]) => codes.every((c) => c === 0 || c === 3));
    for (const [i] of f.fleet().hosts.entries()) expect(readFileSync(levelFile(i), "utf8")).to.match(/^level=[45]\n$/);
    const again = await bkplay(["run", playbook, "-i", inv(), "-e", "level=6", "-e", "pause=0"]);
    expect(again.code).to.equal(0);
  });

  it("Ctrl-C finishes the hosts in flight, starts no others, prints what was done and exits 130", async () => {
    const child = spawn(process.execPath, [BIN, "run", playbook, "-i", inv(), "-e", "level=7", "-e", "pause=2", "--serial", "1", "--json", "--log-dir", join(f.dir(), "audit")], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    // Interrupt while the first batch's handler is still sleeping: that host must finish, no other may start.
    const started = Date.now();
    while (!f.fleet().hosts.some((_, i) => existsSync(levelFile(i))) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).to.equal(130);
    const report = JSON.parse(out) as RunReport;
    const done = report.hosts.filter((h) => h.status === "changed").length;
    expect(done).to.equal(1);
    expect(report.batches.some((b) => b.status === "not-started")).to.equal(true);
    for (const [i] of f.fleet().hosts.entries()) {
      const text = existsSync(levelFile(i)) ? readFileSync(levelFile(i), "utf8") : "";
      expect(text).to.be.oneOf(["", "level=7\n"]);
    }
  });
});
