import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { AuditEntry } from "../../src/audit/audit-log.js";
import type { RunReport } from "../../src/engine/results.js";
import { bkplay, onTerminal, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/rolling.yaml");
const ORIGINAL = "# app settings\nLEVEL = 1\nTOKEN_HINT = 'none'\n";
const HAND_EDIT = "# changed by hand after the run\n";

describe("rollback: run-id prefixes, --check preview, the question, engine report, lock and audit (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(3, "sshd");
  // Every host healthy: the playbook's verify passes, and the run stays applied.
  let server: Server;
  let health = "";
  before(async () => {
    server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    health = `health_url=http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const appFile = (i: number): string => join(f.fleet().hosts[i]?.root ?? "", "etc/app.py");
  const appLog = (i: number): string => join(f.fleet().hosts[i]?.root ?? "", "logs/app.log");
  const reloads = (i: number): number => (readFileSync(appLog(i), "utf8").match(/reload/g) ?? []).length;
  const stateDir = (i: number): string => join(f.fleet().hosts[i]?.sysroot ?? "", "var/lib/bkplay");
  const logDir = (): string => join(f.dir(), "audit");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "rollback-hosts.yaml"));
  const audit = (): AuditEntry[] => readFileSync(join(logDir(), "runs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AuditEntry);
  const levels = (): string[] => f.fleet().hosts.map((_, i) => /LEVEL = (\d)/.exec(readFileSync(appFile(i), "utf8"))?.[1] ?? "?");

  /** Applies level `level` everywhere; its run id. */
  const apply = async (level: number, env: Record<string, string> = {}): Promise<string> => {
    const r = await bkplay(["run", playbook, "-i", inv(), "-e", `level=${level}`, "-e", health, "--log-dir", logDir(), "--json"], { env });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    return reportOf(r).runId;
  };
  const rollback = (args: string[], env: Record<string, string> = {}): ReturnType<typeof bkplay> => bkplay(["rollback", ...args, "--log-dir", logDir()], { env });
  const statuses = (r: RunReport): Record<string, string> => Object.fromEntries(r.hosts.map((h) => [h.host, h.status]));

  beforeEach(async () => {
    await f.reset();
    for (const [i] of f.fleet().hosts.entries()) {
      mkdirSync(join(appFile(i), ".."), { recursive: true });
      writeFileSync(appFile(i), ORIGINAL);
      mkdirSync(join(appLog(i), ".."), { recursive: true });
      writeFileSync(appLog(i), "");
    }
  });

  it("a run-id prefix matching several runs is refused (exit 2) listing them; an unknown id names the closest ids", async () => {
    // One second for both runs: their ids differ only after the shared time stamp.
    const at = { BKPLAY_NOW: "2026-05-22T10:15:00Z" };
    const first = await apply(2, at);
    const second = await apply(3, at);
    const prefix = "20260522T101500-";
    expect(first.startsWith(prefix) && second.startsWith(prefix)).to.equal(true);
    const r = await rollback([prefix, "--yes"]);
    expect(r.code, r.stdout).to.equal(2);
    expect(r.stderr).to.include(`'${prefix}' matches 2 runs`);
    for (const id of [first, second]) expect(r.stderr).to.match(new RegExp(`${id}  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  run  rolling  \\S+@\\S+`));
    expect(levels()).to.deep.equal(["3", "3", "3"]);
    const unknown = await rollback([`${first.slice(0, -2)}zz`, "--yes"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/no run '.*zz' in the audit log; the closest:/);
    expect(unknown.stderr).to.include(first).and.include(second);
    expect(levels()).to.deep.equal(["3", "3", "3"]);
  });

  it("--check previews per host what would be restored and restarted, with the statuses the rollback reaches, and changes nothing", async () => {
    const runId = await apply(4);
    writeFileSync(appFile(2), HAND_EDIT);
    const before = audit().length;
    const check = await rollback([runId, "--check", "--json"]);
    expect(check.code, check.stderr).to.equal(3);
    const preview = reportOf(check);
    expect(preview.check).to.equal(true);
    expect(statuses(preview)).to.deep.equal({ "bk-1": "changed", "bk-2": "changed", "bk-3": "refused" });
    const bk1 = preview.hosts.find((h) => h.host === "bk-1");
    expect(bk1?.steps.map((s) => [s.name, s.status])).to.deep.equal([[appFile(0), "changed"], ["reload app", "changed"]]);
    expect(bk1?.steps[1]?.changes[0]).to.include({ kind: "run" }).and.have.property("command").that.match(/echo reload/);
    expect(bk1?.files).to.deep.equal([]);
    // Read-only: no file restored, no handler run.
    expect(levels()).to.deep.equal(["4", "4", "?"]);
    expect([0, 1, 2].map(reloads)).to.deep.equal([1, 1, 1]);
    const text = await rollback([runId, "--check"]);
    expect(text.code).to.equal(3);
    expect(text.stdout).to.include(`would restore ${appFile(0)}\n`).and.include("would run: echo reload");
    expect(text.stdout).to.include(`would refuse ${appFile(2)}: changed since run ${runId}`);
    expect(text.stdout).to.match(/CHECK \(nothing was written\) rollback of run/);
    expect(audit().slice(before).map((e) => [e.command, e.check])).to.deep.equal([["rollback", true], ["rollback", true]]);
    // The rollback itself reaches what the preview said.
    const real = await rollback([runId, "--yes", "--json"]);
    expect(real.code).to.equal(3);
    expect(statuses(reportOf(real))).to.deep.equal(statuses(preview));
    expect(levels()).to.deep.equal(["1", "1", "?"]);
  });

  it("without a terminal and without --yes it refuses (exit 2), contacting no host", async () => {
    const runId = await apply(5);
    const r = await rollback([runId]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/no terminal to ask on: pass --yes to roll back, or --check to preview/);
    expect(levels()).to.deep.equal(["5", "5", "5"]);
    const json = await rollback([runId, "--json"]);
    expect(json.code).to.equal(2);
    expect(levels()).to.deep.equal(["5", "5", "5"]);
  });

  it("on a terminal it shows the preview and asks: no changes nothing, yes rolls back", async () => {
    const runId = await apply(6);
    const ask = (answer: string): Promise<string> => onTerminal(["rollback", runId.slice(0, -3), "--log-dir", logDir()], { CI: "" }, /\[y\/N\] $/, answer);
    const no = await ask("n");
    expect(no).to.include(`would restore ${appFile(0)}`).and.include("would run: echo reload");
    expect(no).to.include(`roll back run ${runId}: restore 3 files on 3 hosts and run 3 handlers? [y/N]`);
    expect(no).to.include("rollback cancelled by the operator: nothing was changed");
    expect(levels()).to.deep.equal(["6", "6", "6"]);
    const yes = await ask("y");
    expect(yes).to.match(/RECAP rollback of run/);
    expect(yes).to.include(`restored ${appFile(1)}`).and.include("ran: echo reload");
    expect(levels()).to.deep.equal(["1", "1", "1"]);
    expect([0, 1, 2].map(reloads)).to.deep.equal([2, 2, 2]);
  });

  it("goes through the engine: a run's report (files restored, handlers run), the host's apply lock and its wait", async () => {
    const runId = await apply(7);
    const wrote = audit().at(-1)?.hosts.find((h) => h.host === "bk-1")?.files[0];
    // Another run holds bk-1's lock: the rollback waits for it, saying who holds it.
    const holder = "run 20260101T000000-aaaaaa by ops@jump, pid 1, since 2026-01-01T00:00:00Z";
    const hold = async (seconds: number): Promise<ReturnType<typeof spawn>> => {
      mkdirSync(stateDir(0), { recursive: true });
      writeFileSync(join(stateDir(0), "lock.owner"), holder);
      // Its own process group: the sleep holds the lock too, and goes with flock.
      const child = spawn("flock", [join(stateDir(0), "lock"), "sleep", String(seconds)], { stdio: "ignore", detached: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return child;
    };
    const held = await hold(30);
    const short = await rollback([runId, "--yes", "--json", "--lock-timeout", "1"]);
    const gone = new Promise((resolve) => held.on("exit", resolve));
    process.kill(-(held.pid ?? 0), "SIGTERM");
    await gone;
    expect(short.code).to.equal(1);
    const locked = reportOf(short).hosts.find((h) => h.host === "bk-1");
    expect(locked?.status).to.equal("failed");
    expect(locked?.error).to.include(`another bkplay run is applying on this host (${holder}); waited 1 s`);
    expect(levels()).to.deep.equal(["7", "1", "1"]);
    await hold(2);
    const waited = await rollback([runId, "--yes"]);
    expect(waited.code, waited.stdout + waited.stderr).to.equal(0);
    expect(waited.stdout).to.include(`bk-1: waiting for lock (held by ${holder})`);
    expect(levels()).to.deep.equal(["1", "1", "1"]);
    const last = audit().at(-1);
    expect(last?.hosts.find((h) => h.host === "bk-1")?.files).to.deep.equal([{ path: appFile(0), beforeSha256: wrote?.afterSha256, afterSha256: wrote?.beforeSha256, backup: wrote?.backup }]);
    // --json is the run's report shape.
    const runAgain = await apply(8);
    const json = reportOf(await rollback([runAgain, "--yes", "--json"]));
    expect(json).to.include.keys("runId", "playbook", "check", "startedAt", "durationMs", "hosts", "refused", "batches");
    expect(json.playbook).to.equal("rolling");
    const bk2 = json.hosts.find((h) => h.host === "bk-2");
    expect(bk2?.status).to.equal("changed");
    expect(bk2?.files.map((x) => x.path)).to.deep.equal([appFile(1)]);
    expect(bk2?.steps.find((s) => s.handler)?.commands.map((c) => c.exitCode)).to.deep.equal([0]);
  });

  it("the audit log records files restored, refusals and the outcome; a second rollback says who rolled back already", async () => {
    const runId = await apply(9);
    writeFileSync(appFile(2), HAND_EDIT);
    const first = await rollback([runId, "--yes"]);
    expect(first.code).to.equal(3);
    const entry = audit().at(-1);
    expect(entry).to.include({ command: "rollback", rollbackOf: runId, exitCode: 3, check: false });
    expect(entry?.runId).not.to.equal(runId);
    const byHost = new Map(entry?.hosts.map((h) => [h.host, h]));
    expect(byHost.get("bk-1")?.status).to.equal("changed");
    expect(byHost.get("bk-1")?.files.map((x) => x.path)).to.deep.equal([appFile(0)]);
    expect(byHost.get("bk-1")?.handlers).to.deep.equal([{ name: "reload app", exitCode: 0 }]);
    expect(byHost.get("bk-3")?.status).to.equal("refused");
    expect(byHost.get("bk-3")?.files).to.deep.equal([]);
    expect(byHost.get("bk-3")?.skipped?.[0]).to.include({ path: appFile(2) }).and.have.property("why").that.match(/changed since run/);
    // Again: the files the first put back are not "changed since", they are already rolled back by it.
    const second = await rollback([runId, "--yes", "--json"]);
    const report = reportOf(second);
    expect(second.code).to.equal(3);
    expect(statuses(report)).to.deep.equal({ "bk-1": "ok", "bk-2": "ok", "bk-3": "refused" });
    const said = report.hosts.find((h) => h.host === "bk-1")?.steps[0]?.messages.join(" ");
    expect(said).to.equal(`${appFile(0)}: already rolled back by run ${entry?.runId ?? ""} at ${entry?.time ?? ""}; nothing to restore`);
    const forced = await rollback([runId, "--yes", "--force"]);
    expect(forced.code, forced.stdout).to.equal(0);
    expect(forced.stdout).to.include(`already rolled back by run ${entry?.runId ?? ""}`).and.not.include("changed since");
    expect(readFileSync(appFile(2), "utf8")).to.equal(ORIGINAL);
    // Handlers ran where files were restored, and only there: bk-1 once by the run, once by the first rollback.
    expect([0, 1, 2].map(reloads)).to.deep.equal([2, 2, 2]);
    expect(audit().at(-1)?.hosts.map((h) => [h.host, h.status, h.files.length])).to.deep.equal([["bk-1", "ok", 0], ["bk-2", "ok", 0], ["bk-3", "changed", 1]]);
  });
});
