import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { globWord, socketsCommand, type SocketSpec } from "../../src/steps/socket-owners.js";
import { staleSocket } from "../../src/steps/stale-socket.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const SPEC: SocketSpec = { dirs: "/data/bkce/paas_agent/apps/projects/*/run", socket: "supervisord.sock", pidfile: "supervisord.pid", process: "supervisord" };
const RUN = "/data/bkce/paas_agent/apps/projects";
const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

/** The step planned over what the probe printed (`<exists> <listening> <pid> <state> <dir>` lines). */
function plan(lines: string[], exitCode = 0, stderr = "") {
  const { facts, reads } = memoryFacts({ commands: { [socketsCommand(SPEC)]: { exitCode, stdout: lines.map((l) => `${l}\n`).join(""), stderr } } });
  const planned = staleSocket.plan(SPEC, facts, ctx);
  expect(reads).to.deep.equal(staleSocket.probes(SPEC, ctx));
  return planned;
}
const displays = (p: ReturnType<typeof plan>): string[] => p.changes.map((c) => (c.kind === "run" ? `${c.display ?? ""} [${c.reason}]` : c.kind));

describe("step stale_socket", () => {
  it("a socket nothing listens on goes with its pid file, which names a process that is not running", () => {
    const p = plan([`1\t0\t4242\tdead\t${RUN}/bk_demo/run`]);
    expect(displays(p)).to.deep.equal([`rm -f -- ${RUN}/bk_demo/run/supervisord.sock ${RUN}/bk_demo/run/supervisord.pid [stale: nothing listens on ${RUN}/bk_demo/run/supervisord.sock; supervisord.pid says 4242, which is not running]`]);
  });

  it("without a pid file only the socket goes; a pid file alone goes when it names another program", () => {
    const p = plan([`1\t0\t-\t-\t${RUN}/a/run`, `0\t0\t77\tother:mysqld\t${RUN}/b/run`]);
    expect(displays(p)).to.deep.equal([
      `rm -f -- ${RUN}/a/run/supervisord.sock [stale: nothing listens on ${RUN}/a/run/supervisord.sock; no supervisord.pid beside it]`,
      `rm -f -- ${RUN}/b/run/supervisord.pid [stale supervisord.pid: 77, which is mysqld, not supervisord]`,
    ]);
  });

  it("a pid reused by another app's supervisord is stale here", () => {
    const p = plan([`1\t0\t500\telsewhere:${RUN}/other/run/supervisord.sock.499\t${RUN}/a/run`]);
    expect(displays(p)).to.deep.equal([`rm -f -- ${RUN}/a/run/supervisord.sock ${RUN}/a/run/supervisord.pid [stale: nothing listens on ${RUN}/a/run/supervisord.sock; supervisord.pid says 500, the supervisord of ${RUN}/other/run/supervisord.sock]`]);
  });

  it("a live socket is kept and named; a supervisord listening on no socket is left, with a warning saying what to do", () => {
    const p = plan([`1\t1\t10\telsewhere:${RUN}/a/run/supervisord.sock.9\t${RUN}/a/run`, `1\t0\t20\tdaemon\t${RUN}/b/run`]);
    expect(p.changes).to.deep.equal([]);
    expect(p.messages).to.deep.equal([
      `kept ${RUN}/a/run/supervisord.sock: a process listens on it (supervisord.pid says 10, its supervisord)`,
      `warning: ${RUN}/b/run: supervisord 20 does not listen on ${RUN}/b/run/supervisord.sock; left alone: stop it (kill 20), then run this again`,
    ]);
  });

  it("nothing under the folder: nothing to do, and where it looked is said", () => {
    const p = plan([]);
    expect(p.changes).to.deep.equal([]);
    expect(p.messages).to.deep.equal([`no supervisord.sock or supervisord.pid in ${SPEC.dirs}`]);
  });

  it("a probe that cannot read /proc/net/unix refuses the host", () => {
    expect(() => plan([], 3, "cannot read /proc/net/unix")).to.throw(`cannot list the sockets under ${SPEC.dirs}: cannot read /proc/net/unix`);
  });

  it("the folder pattern: * and ? expand in sh, everything else is literal", () => {
    const dir = mkdtempSync(join(tmpdir(), "bkplay-glob-"));
    try {
      for (const d of ["a b/x1/run", "a b/x2/run", "a b/y1/run", "a*b/x1/run"]) mkdirSync(join(dir, d), { recursive: true });
      const out = execFileSync("sh", ["-c", `for d in ${globWord(`${dir}/a b/x?/run`)}; do echo "$d"; done`], { encoding: "utf8" });
      expect(out).to.equal(`${dir}/a b/x1/run\n${dir}/a b/x2/run\n`);
      expect(globWord("/data/$(reboot)/*/run")).to.equal("'/data/$(reboot)/'*/run");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
