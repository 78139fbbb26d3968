import { expect } from "chai";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bkplay, type CliResult } from "../support/cli.js";
import { countingHost } from "../support/counting-host.js";

const repo = join(import.meta.dirname, "../../..");
const corpus = join(repo, "test/corpus");
const fixtures = join(repo, "test/fixtures/hardening");
const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Each bad file is bad input: exit 2, one `file:line:col: message` line per problem, no stack trace, no host contacted. */
describe("bad input, round two: exit 2, located, no host contacted", function () {
  this.timeout(30_000);
  let dir: string;
  let inventory: string;
  let host: Awaited<ReturnType<typeof countingHost>>;
  before(async () => {
    host = await countingHost();
    const { port } = host;
    dir = mkdtempSync(join(tmpdir(), "bkplay-bad-input-"));
    inventory = join(dir, "hosts.yaml");
    const entry = `paas-1: { address: 127.0.0.1, port: ${port} }`;
    writeFileSync(inventory, ["paas", "nginx", "appo", "appt", "mysql"].map((g) => `  ${g}:\n    hosts:\n      ${entry}\n`).join("").replace(/^/, "groups:\n"));
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => expect(host.connections(), "connections to the inventory's host").to.equal(0));

  /** Exit 2 and stderr exactly the expected lines (each a regexp, anchored), nothing else. */
  function expectBadInput(r: CliResult, lines: RegExp[]): void {
    expect(r.code, r.stderr + r.stdout).to.equal(2);
    const got = r.stderr.trimEnd().split("\n");
    expect(got, r.stderr).to.have.length(lines.length);
    lines.forEach((re, i) => expect(got[i]).to.match(re));
    expect(r.stderr).not.to.match(/^\s+at |internal error/m);
  }
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

  describe("control characters in variables (item 4)", () => {
    it("a NUL written as an escape in --vars-file is refused where it is written, secret or not", async () => {
      for (const name of ["nul-escape.yaml", "nul-secret.yaml"]) {
        const file = join(corpus, "vars", name);
        const r = await bkplay(["run", "fix-mysql-perms", "-i", inventory, "--vars-file", file]);
        const [line, what] = name === "nul-escape.yaml" ? [2, "db_user"] : [3, "db_password"];
        expectBadInput(r, [new RegExp(`^${esc(file)}:${line}:1: vars file ${what}: holds NUL \\(U\\+0000\\), character \\d+; a value may hold tab and line breaks but no other control character$`)]);
        expect(r.stderr, "the value is not shown").not.to.match(/"bk|"pass/);
      }
    });

    it("an escape sequence given with -e is refused, naming -e and the variable", async () => {
      const r = await bkplay(["run", "change-domain", "-i", inventory, "-e", "new_domain=paas\x1b[2J.example.com"]);
      expectBadInput(r, [/^-e new_domain: holds ESC \(U\+001B\), character 5; /]);
    });

    it("a NUL in an inventory variable is refused at its place in the inventory", async () => {
      const bad = join(dir, "nul-hosts.yaml");
      writeFileSync(bad, readFileSync(inventory, "utf8").replace("port:", 'vars: { paas_root: "/data\\0/x" }, port:'));
      const r = await bkplay(["run", "change-domain", "-i", bad, "-e", "new_domain=paas.example.com"]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.split("\n")[0]).to.match(new RegExp(`^${esc(bad)}:4:\\d+: variable 'paas_root': holds NUL \\(U\\+0000\\), character 6;`));
    });

    it("tab, line feed and carriage return are values (multi-line text, CRLF files): not refused for that", async () => {
      const r = await bkplay(["validate", join(fixtures, "edit.yaml"), "-i", inventory, "-e", "file=/tmp/x", "-e", "text=a\tb\r\nc"]);
      expect(r.code, r.stderr).to.equal(0);
    });
  });

  describe("validate checks the defaults of variables that are whole commands (item 5)", () => {
    it("a default interpolating a value unquoted into a handler's command is warned about, at the variable, through {{other}}", async () => {
      const playbook = join(fixtures, "default-command.yaml");
      const r = await bkplay(["validate", playbook]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr.trimEnd().split("\n")).to.deep.equal([
        `${playbook}:6:3: warning: the default of 'restart_cmd' puts {{app_root}} into a shell command (handlers.restart.run.command) without {{quote …}} (at vars.restart_cmd.default)`,
      ]);
    });

    it("the shipped playbooks draw no warning", async () => {
      const r = await bkplay(["validate", "change-domain", "raise-deploy-timeout", "offline-pip-mirror", "esb-add-component-deps", "fix-mysql-perms"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal("");
    });
  });

  describe("playbooks that would contact hosts for nothing (item 8)", () => {
    for (const [name, message] of [
      ["bad-regexp.yaml", "invalid regexp /(unclosed/gm: Unterminated group"],
      ["verify-not-read-only.yaml", "verify steps must be read-only checks (check, fail, http); 'replace' can change the host"],
      ["render-bad-regexp.yaml", "rendered regexp: invalid regexp /[a-/gm: Unterminated character class"],
    ] as const) {
      it(`run: ${name}`, async () => {
        const file = join(corpus, "playbook", name);
        const r = await bkplay(["run", file, "-i", inventory]);
        expectBadInput(r, [new RegExp(`^${esc(file)}:\\d+:\\d+: .*${esc(message)}`)]);
      });
    }
  });

  describe("malformed plan files and audit logs (items 9, 10)", () => {
    let playbook: string;
    /** A plan as `bkplay plan` writes it, for a copy of change-domain, with `edit` applied. */
    const planFile = (name: string, edit: (plan: Record<string, unknown>) => void = () => undefined): string => {
      const plan: Record<string, unknown> = {
        format: "bkplay-plan",
        version: 2,
        runId: "20250101T000000-abcdef",
        createdAt: "2025-01-01T00:00:00.000Z",
        createdBy: "test@host",
        playbook: { name: "change-domain", file: playbook, sha256: sha256(playbook) },
        inventory: { file: inventory, sha256: sha256(inventory) },
        limit: null,
        vars: { new_domain: "paas.example.com" },
        secretVars: [],
        hosts: { "paas-1": { status: "changed", changes: [] } },
      };
      edit(plan);
      const file = join(dir, name);
      writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
      return file;
    };
    /** The line of `"key":` in a plan file. */
    const lineOf = (file: string, key: string): number => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(`"${key}":`)) + 1;
    before(() => {
      mkdirSync(join(dir, "pb"));
      playbook = join(dir, "pb", "change-domain.yaml");
      copyFileSync(join(repo, "playbooks/change-domain.yaml"), playbook);
    });

    it("the playbook file of a plan is gone", async () => {
      const gone = join(dir, "pb", "gone.yaml");
      copyFileSync(playbook, gone);
      const file = planFile("gone.plan.json", (p) => (p.playbook = { name: "change-domain", file: gone, sha256: sha256(gone) }));
      rmSync(gone);
      const r = await bkplay(["apply", file]);
      expectBadInput(r, [new RegExp(`^${esc(file)}:${lineOf(file, "file")}:\\d+: the playbook ${esc(gone)} the plan was made from cannot be read \\(ENOENT\\)`)]);
    });

    it("a plan without secretVars", async () => {
      const file = planFile("no-secret-vars.plan.json", (p) => delete p.secretVars);
      expectBadInput(await bkplay(["apply", file]), [new RegExp(`^${esc(file)}:1:1: plan file: missing required 'secretVars'$`)]);
    });

    it("a plan whose hosts are of the wrong shape, located at the value", async () => {
      const file = planFile("bad-hosts.plan.json", (p) => (p.hosts = { "paas-1": { status: "changed", changes: "all of them" } }));
      expectBadInput(await bkplay(["apply", file]), [new RegExp(`^${esc(file)}:${lineOf(file, "changes")}:\\d+: plan file: must be a list \\(at hosts\\.paas-1\\.changes\\)$`)]);
    });

    it("a plan that is not JSON, located at the line and column of the error", async () => {
      const file = join(dir, "broken.plan.json");
      writeFileSync(file, '{\n  "format": "bkplay-plan",\n  "version": 2,\n  oops\n}\n');
      expectBadInput(await bkplay(["apply", file]), [new RegExp(`^${esc(file)}:4:3: not a readable plan file: `)]);
    });

    it("a value edited inside a plan names the plan file and its line", async () => {
      const file = planFile("edited.plan.json", (p) => (p.vars = { new_domain: "bad domain!" }));
      const r = await bkplay(["apply", file]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`^${esc(file)}:${lineOf(file, "new_domain")}:\\d+: plan vars\\.new_domain: "bad domain!" must match`, "m"));
    });

    it("an audit log line of the wrong shape: history and rollback exit 2 naming the line", async () => {
      const logDir = join(dir, "log");
      mkdirSync(logDir);
      const log = join(logDir, "runs.jsonl");
      writeFileSync(log, `${JSON.stringify({ runId: "x" })}\n{"runId": "y", oops}\n`);
      for (const args of [["history"], ["rollback", "x"]]) {
        const r = await bkplay([...args, "--log-dir", logDir]);
        expect(r.code, r.stderr).to.equal(2);
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines[0]).to.match(new RegExp(`^${esc(log)}:1:1: audit log: not a run entry: missing required `));
        expect(lines.at(-1)).to.match(new RegExp(`^${esc(log)}:2:16: audit log: not a JSON line `));
        expect(r.stderr).not.to.match(/^\s+at /m);
      }
    });

    it("a missing --ssh-config file is bad input before any host is contacted, not each host unreachable", async () => {
      const missing = join(dir, "no-such-ssh-config");
      const r = await bkplay(["run", "change-domain", "-i", inventory, "-e", "new_domain=paas.example.com", "--ssh-config", missing]);
      expectBadInput(r, [new RegExp(`^--ssh-config ${esc(missing)}: cannot read it \\(ENOENT\\)$`)]);
    });
  });
});
