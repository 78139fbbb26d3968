import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { AuditEntry } from "../../src/audit/audit-log.js";
import { bkplay, onTerminal, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/rolling.yaml");
const ORIGINAL = "# app settings\nLEVEL = 1\nTOKEN_HINT = 'none'\n";
const TOKEN = "s3cr3t-T0ken-rolling";

describe("change windows: plan/apply, rolling batches, verify and rollback (sshd)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd");
  let server: Server;
  let port = 0;
  const unhealthy = new Set<string>();
  before(async () => {
    server = createServer((req, res) => {
      const host = (req.url ?? "").split("/").at(-1) ?? "";
      res.statusCode = unhealthy.has(host) ? 503 : 200;
      res.end(unhealthy.has(host) ? "down" : "ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const appFile = (i: number): string => join(f.fleet().hosts[i]?.root ?? "", "etc/app.py");
  const logDir = (): string => join(f.dir(), "audit");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "rolling-hosts.yaml"));
  const common = (): string[] => ["-e", `health_url=http://127.0.0.1:${port}/healthz`, "--log-dir", logDir()];
  beforeEach(async () => {
    await f.reset();
    unhealthy.clear();
    for (const [i] of f.fleet().hosts.entries()) {
      mkdirSync(join(appFile(i), ".."), { recursive: true });
      writeFileSync(appFile(i), ORIGINAL);
    }
  });

  it("plan → apply writes exactly what was reviewed; a host edited since refuses the whole apply (exit 3); --partial applies the others", async () => {
    const planFile = join(f.dir(), "change.plan.json");
    const review = join(f.dir(), "review.md");
    const plan = await bkplay(["plan", playbook, "-i", inv(), "-e", "level=2", ...common(), "-o", planFile, "--report", review]);
    expect(plan.code, plan.stderr).to.equal(0);
    const md = readFileSync(review, "utf8");
    expect(md).to.include("+LEVEL = 2").and.include("same change on 6 hosts").and.include("reload app");
    expect(readFileSync(planFile, "utf8") + md).not.to.include(TOKEN);
    for (const [i] of f.fleet().hosts.entries()) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
    writeFileSync(appFile(2), `${ORIGINAL}# hand edit\n`);
    const apply = await bkplay(["apply", planFile, "--log-dir", logDir(), "--json"]);
    expect(apply.code, apply.stderr).to.equal(3);
    const report = reportOf(apply);
    const refused = report.hosts.find((h) => h.host === "bk-3");
    expect(refused?.status).to.equal("refused");
    expect(refused?.error).to.match(/etc\/app\.py changed since the plan: planned against sha256 [0-9a-f]{64}, now [0-9a-f]{64}/);
    expect(readFileSync(appFile(2), "utf8")).to.equal(`${ORIGINAL}# hand edit\n`);
    // One drifted host and no domain is half-moved: nothing anywhere.
    for (const i of [0, 1, 3, 4, 5]) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
    expect(report.refused.join(" ")).to.match(/could not be planned \(bk-3/);
    expect(apply.stdout).not.to.include(TOKEN);
    const partial = await bkplay(["apply", planFile, "--partial", "--log-dir", logDir(), "--json"]);
    expect(partial.code, partial.stderr).to.equal(3);
    expect(readFileSync(appFile(2), "utf8")).to.equal(`${ORIGINAL}# hand edit\n`);
    const expected = `# app settings\nLEVEL = 2\nTOKEN_HINT = '${TOKEN}'\n`;
    for (const i of [0, 1, 3, 4, 5]) expect(readFileSync(appFile(i), "utf8")).to.equal(expected);
  });

  it("--allow-drift=replan applies the drifted host's new plan and reports it", async () => {
    const planFile = join(f.dir(), "replan.plan.json");
    expect((await bkplay(["plan", playbook, "-i", inv(), "-e", "level=2", ...common(), "-o", planFile])).code).to.equal(0);
    writeFileSync(appFile(2), `${ORIGINAL}# hand edit\n`);
    const apply = await bkplay(["apply", planFile, "--allow-drift", "replan", "--log-dir", logDir(), "--json"]);
    expect(apply.code, apply.stderr).to.equal(0);
    const host = reportOf(apply).hosts.find((h) => h.host === "bk-3");
    expect(host?.status).to.equal("changed");
    expect(host?.steps[0]?.messages.join(" ")).to.match(/re-planned: .*etc\/app\.py changed since the plan/);
    expect(readFileSync(appFile(2), "utf8")).to.equal(`# app settings\nLEVEL = 2\nTOKEN_HINT = '${TOKEN}'\n# hand edit\n`);
  });

  it("--confirm-each-batch is refused in an unattended run, before any host is contacted", async () => {
    const r = await bkplay(["run", playbook, "-i", inv(), "-e", "level=9", ...common(), "--serial", "2", "--confirm-each-batch"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--confirm-each-batch needs a terminal/);
    for (const [i] of f.fleet().hosts.entries()) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
  });

  it("--confirm-each-batch asks on the terminal over the live display; a yes applies the next batch, a no or Ctrl-C stops there", async () => {
    // CI unset: the live display draws only where no CI variable says otherwise.
    const ask = (level: number, answer: string): Promise<string> =>
      onTerminal(["run", playbook, "-i", inv(), "-e", `level=${level}`, ...common(), "--serial", "3", "--confirm-each-batch"], { CI: "" }, /continue\? \[y\/N\] $/, answer);
    const yes = await ask(4, "y");
    expect(yes.match(/batch 2 \(3 hosts: [\w, -]+\) — continue\? \[y\/N\] /g)).to.have.length(1);
    // Batch 1's outcome is on the screen before batch 2 is asked for.
    const askedFor = /batch 2 \(3 hosts: ([\w, -]+)\)/.exec(yes)?.[1]?.split(", ") ?? [];
    const beforeQuestion = yes.slice(0, yes.indexOf("continue?"));
    const first = f.fleet().hosts.filter((x) => !askedFor.includes(x.name)).map((h) => h.name);
    const shown = /batch 1: changed ([\w, -]+) — batch 2/.exec(beforeQuestion)?.[1]?.split(", ") ?? [];
    expect(shown, "batch 1's outcome before the question").to.have.members(first);
    for (const [i] of f.fleet().hosts.entries()) expect(readFileSync(appFile(i), "utf8"), `bk-${i + 1}`).to.include("LEVEL = 4");
    const no = await ask(5, "n");
    const second = /batch 2 \(3 hosts: ([\w, -]+)\)/.exec(no)?.[1]?.split(", ") ?? [];
    expect(second).to.have.length(3);
    for (const name of second) expect(no).to.match(new RegExp(`${name} +not-started .* not started: stopped by the operator`));
    const levels = f.fleet().hosts.map((h, i) => [h.name, /LEVEL = (\d)/.exec(readFileSync(appFile(i), "utf8"))?.[1]]);
    expect(levels).to.deep.equal(f.fleet().hosts.map((h) => [h.name, second.includes(h.name) ? "4" : "5"]));
    // Ctrl-C at the question interrupts the run there, as anywhere else.
    const interrupted = await ask(6, "\u0003");
    for (const name of second) expect(interrupted).to.match(new RegExp(`${name} +not-started .* not started: interrupted \\(Ctrl-C\\)`));
  });

  it("--serial 2 with verify failing on batch 2: batch 2 restored, batch 1 stays, later batches never start", async () => {
    unhealthy.add("bk-3");
    const r = await bkplay(["run", playbook, "-i", inv(), "-e", "level=3", ...common(), "--serial", "2", "--json"]);
    expect(r.code).to.equal(1);
    const report = reportOf(r);
    expect(report.batches.map((b) => b.status)).to.deep.equal(["verified", "rolled-back", "not-started"]);
    expect(report.batches[1]?.reason).to.match(/verify failed: bk-3: healthz: .*503/);
    const index = new Map(f.fleet().hosts.map((h, i) => [h.name, i]));
    const [first = [], second = [], rest = []] = report.batches.map((b) => b.hosts.map((h) => index.get(h) ?? -1));
    expect(second).to.include(2);
    for (const i of first) expect(readFileSync(appFile(i), "utf8")).to.include("LEVEL = 3");
    for (const i of [...second, ...rest]) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
    expect(readFileSync(join(f.fleet().hosts[2]?.root ?? "", "logs/app.log"), "utf8")).to.equal("reload\nreload\n");
    expect(report.hosts.filter((h) => h.status === "rolled-back").map((h) => h.host)).to.deep.equal(report.batches[1]?.hosts);
    expect(report.hosts.filter((h) => h.status === "not-started").map((h) => h.host)).to.deep.equal(report.batches[2]?.hosts);
    const audit = readFileSync(join(logDir(), "runs.jsonl"), "utf8");
    const entry = JSON.parse(audit.trim().split("\n").at(-1) ?? "{}") as AuditEntry;
    expect(entry.batches.map((b) => b.status)).to.deep.equal(["verified", "rolled-back", "not-started"]);
    expect(audit).not.to.include(TOKEN);
  });

  it("rollback of a past run restores originals; a file changed since is refused unless --force", async () => {
    const run = await bkplay(["run", playbook, "-i", inv(), "-e", "level=4", ...common(), "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    const runId = (reportOf(run)).runId;
    writeFileSync(appFile(5), "# changed by hand after the run\n");
    const back = await bkplay(["rollback", runId, "--yes", "--log-dir", logDir()]);
    expect(back.code).to.equal(3);
    expect(back.stdout).to.match(/refused .*bk-6.*etc\/app\.py: changed since run/);
    for (const i of [0, 1, 2, 3, 4]) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
    expect(readFileSync(appFile(5), "utf8")).to.equal("# changed by hand after the run\n");
    const forced = await bkplay(["rollback", runId, "--yes", "--log-dir", logDir(), "--force"]);
    expect(forced.code, forced.stdout).to.equal(0);
    expect(readFileSync(appFile(5), "utf8")).to.equal(ORIGINAL);
    const history = await bkplay(["history", "--log-dir", logDir()]);
    expect(history.stdout).to.include(runId).and.include("rollback");
    expect(readFileSync(join(logDir(), "runs.jsonl"), "utf8")).not.to.include(TOKEN);
  });

  it("the window guard refuses to start outside the window, and starts inside it", async () => {
    const outside = await bkplay(["run", playbook, "-i", inv(), "-e", "level=5", ...common(), "--window", "02:00-04:00", "--tz", "Asia/Shanghai"], { env: { BKPLAY_NOW: "2026-11-22T08:30:00Z" } });
    expect(outside.code).to.equal(2);
    expect(outside.stderr).to.match(/outside the change window 02:00-04:00 Asia\/Shanghai/);
    for (const [i] of f.fleet().hosts.entries()) expect(readFileSync(appFile(i), "utf8")).to.equal(ORIGINAL);
    const inside = await bkplay(["run", playbook, "-i", inv(), "-e", "level=5", ...common(), "--window", "02:00-04:00", "--tz", "Asia/Shanghai"], { env: { BKPLAY_NOW: "2026-11-21T18:30:00Z" } });
    expect(inside.code, inside.stdout + inside.stderr).to.equal(0);
  });
});
