import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newRunId } from "../../src/cli/commands/run.js";
import { loadInputs } from "../../src/cli/load-inputs.js";
import { buildApplyScript } from "../../src/engine/apply-script.js";
import { localContext } from "../../src/engine/build-work.js";
import { runPlaybook, type RunEvent } from "../../src/engine/run-playbook.js";
import { sandboxVars } from "../../src/sandbox/fleet-files.js";
import { connect as connectTransport } from "../../src/transport/connect.js";
import type { ConnectSpec, Transport } from "../../src/transport/types.js";
import { bkplay } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/slow-handler.yaml");
const HOLDER = "run other-run, pid 1, since 2026-11-22T00:00:00Z";

/** The apply script's `0 W <holder>` record, printed when it finds the lock taken and starts waiting. */
const WAIT_RECORD = `{ flock -n 9 || { printf '0 W %s\\n' "$(bk_b64 "$(cat "$bk_state/lock.owner" 2>/dev/null)")"; flock -w "$bk_wait" 9; }; } ||`;
const printsWaitRecord = (): boolean => buildApplyScript([], { runId: "r", playbook: "p", stateDir: "/s", backupRoot: "/b", lockTimeout: 1, by: "u@c", startedAt: "t", readLocal: () => Buffer.from(""), notifies: [], handlerOf: [] }).includes("'0 W ");

describe("a host waiting for another run's lock says so (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(2, "sshd");
  const stateDir = (): string => sandboxVars(f.fleet().hosts[0] ?? { root: "", sysroot: "" }).bkplay_state_dir ?? "";
  let holder: ChildProcess | undefined;

  /** Another run holds bk-1's lock for `seconds`, as its record says. */
  const holdLock = async (seconds: number): Promise<void> => {
    mkdirSync(stateDir(), { recursive: true });
    writeFileSync(join(stateDir(), "lock.owner"), HOLDER);
    holder = spawn("flock", [join(stateDir(), "lock"), "sleep", String(seconds)], { stdio: "ignore", detached: true });
    const t0 = Date.now();
    while (spawnSync("flock", ["-n", join(stateDir(), "lock"), "true"]).status === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  };
  beforeEach(() => f.reset());
  afterEach(() => {
    // Its own process group: the `sleep` holding the lock goes too (unless it already ended).
    try {
      if (holder?.pid) process.kill(-holder.pid, "SIGKILL");
    } catch {
      // It had ended.
    }
    holder = undefined;
  });

  it("the engine passes the apply's wait record on at once, naming the holder, then applies", async () => {
    await holdLock(2);
    const inventory = writeInventory(f.fleet(), join(f.dir(), "wait-hosts.yaml"));
    const { playbook: pb, built } = loadInputs(playbook, { inventory, extraVar: ["level=2", "pause=0"], limit: "bk-1" });
    // Until the apply script prints the record itself, the script sent is given it here (see WAIT_RECORD).
    const connect = async (spec: ConnectSpec): Promise<Transport> => {
      const t = await connectTransport(spec);
      return { host: t.host, close: () => t.close(), exec: (command, options) => t.exec(command, options?.stdin !== undefined ? { ...options, stdin: options.stdin.toString().replace('flock -w "$bk_wait" 9 ||', WAIT_RECORD) } : options) };
    };
    const events: { at: number; event: RunEvent }[] = [];
    const t0 = Date.now();
    const report = await runPlaybook(built.works, { playbook: pb, check: false, forks: 5, runId: newRunId(), backupRoot: "/var/tmp/bkplay", lockTimeout: 30, readLocal: localContext(pb.dir).readLocal, connect, onEvent: (event) => events.push({ at: Date.now() - t0, event }) });
    const wait = events.find((e) => e.event.phase === "lock-wait");
    expect(wait?.event).to.deep.equal({ host: "bk-1", phase: "lock-wait", holder: HOLDER });
    const done = events.find((e) => e.event.phase === "done");
    // Said while waiting, not at the end.
    expect((done?.at ?? 0) - (wait?.at ?? 0)).to.be.above(1000);
    expect(report.hosts.find((h) => h.host === "bk-1")?.status).to.equal("changed");
  });

  it("the screen shows `waiting for lock (held by …)` for that host", async function () {
    if (!printsWaitRecord()) this.skip();
    await holdLock(2);
    const r = await bkplay(["run", playbook, "-i", writeInventory(f.fleet(), join(f.dir(), "wait-hosts.yaml")), "-e", "level=3", "-e", "pause=0", "-l", "bk-1", "--lock-timeout", "30", "--log-dir", join(f.dir(), "audit")]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include(`bk-1: waiting for lock (held by ${HOLDER})`);
  });
});
