import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadInputs, type InputFlags } from "../../src/cli/load-inputs.js";
import { formatProblem, type InputError, type Problem } from "../../src/errors.js";
import { loadPlaybook } from "../../src/playbook/load.js";
import { readVarsFile } from "../../src/playbook/vars.js";
import { catchInputError } from "../inventory/catch-input-error.js";
import { bkplay } from "../support/cli.js";
import { countingHost } from "../support/counting-host.js";

/**
 * Bad-input corpus for playbooks (test/corpus/playbook) and vars files (test/corpus/vars). The first line of each
 * case says where and what the first problem must be:
 *
 *   # expect: LINE:COL FRAGMENT[ | OPTION]...
 *
 * OPTION is `render` (playbook cases: loaded through loadInputs with INVENTORY, so every template is rendered for
 * every host, as `validate -i` and `run` do; otherwise through loadPlaybook, as `validate` does) or `playbook=REF`
 * (vars cases: the playbook the file gives variables to, a path relative to the case file or a shipped name; default
 * change-domain). Vars cases always go through loadInputs with INVENTORY and `--vars-file`. Files are read as bytes:
 * a `.bin` case holds invalid UTF-8 after its ASCII header line. Cases with no committed file (a file over the size
 * limit, -e and --limit values) are the tables further down.
 */
const repo = join(import.meta.dirname, "../../..");
const corpus = join(repo, "test/corpus");
const INVENTORY = join(repo, "test/fixtures/inventory/bk5.yaml");
const TYPED_VARS = join(repo, "test/fixtures/playbooks/typed-vars.yaml");

interface Case {
  file: string;
  line: number;
  col: number;
  fragment: string;
  render: boolean;
  playbook: string;
}

function readCase(file: string): Case {
  const header = readFileSync(file).toString("latin1").split("\n")[0] ?? "";
  const m = /^# expect: (\d+):(\d+) (.+)$/.exec(Buffer.from(header, "latin1").toString("utf8"));
  if (!m) throw new Error(`${file}: first line must be '# expect: LINE:COL fragment[ | option]...'`);
  const [fragment = "", ...options] = (m[3] ?? "").split(" | ");
  const unknown = options.filter((o) => o !== "render" && !o.startsWith("playbook="));
  if (unknown.length > 0) throw new Error(`${file}: unknown header option(s) ${unknown.join(", ")}`);
  const ref = options.find((o) => o.startsWith("playbook="))?.slice("playbook=".length);
  return {
    file,
    line: Number(m[1]),
    col: Number(m[2]),
    fragment,
    render: options.includes("render"),
    playbook: ref === undefined ? "change-domain" : ref.includes("/") ? resolve(file, "..", ref) : ref,
  };
}

const flags = (more: Partial<InputFlags> = {}): InputFlags => ({ inventory: INVENTORY, extraVar: [], ...more });

/** Every problem is one line without a stack frame; the first one is returned. */
function problemsOf(fn: () => unknown): Problem[] {
  const err: InputError = catchInputError(fn);
  expect(err.problems).to.not.be.empty;
  for (const p of err.problems) {
    const line = formatProblem(p);
    expect(line, "one line").to.not.include("\n");
    expect(line, "no stack trace").to.not.match(/\bat .+:\d+:\d+\)?$|Error:/);
  }
  return err.problems;
}

function expectFirst(fn: () => unknown, c: Pick<Case, "file" | "line" | "col" | "fragment">): void {
  const [first] = problemsOf(fn);
  expect(first?.location).to.deep.equal({ file: c.file, line: c.line, col: c.col });
  expect(first?.message).to.include(c.fragment);
}

const casesIn = (kind: string): Case[] =>
  readdirSync(join(corpus, kind))
    .sort()
    .map((name) => readCase(join(corpus, kind, name)));

describe("bad playbook corpus", () => {
  const cases = casesIn("playbook");
  it("has at least 30 cases", () => expect(cases.length).to.be.at.least(30));
  for (const c of cases) {
    it(c.file.slice(corpus.length + 1), () => {
      expectFirst(() => (c.render ? loadInputs(c.file, flags()) : loadPlaybook(c.file)), c);
    });
  }

  it("an alias bomb fails fast", () => {
    const start = Date.now();
    problemsOf(() => loadPlaybook(join(corpus, "playbook/alias-bomb.yaml")));
    expect(Date.now() - start).to.be.below(2000);
  });
});

describe("bad vars file corpus", () => {
  const cases = casesIn("vars");
  it("has at least 8 cases", () => expect(cases.length).to.be.at.least(8));
  for (const c of cases) {
    it(c.file.slice(corpus.length + 1), () => {
      expectFirst(() => loadInputs(c.playbook, flags({ varsFile: c.file })), c);
    });
  }
  it("readVarsFile alone refuses a list", () => {
    expectFirst(() => readVarsFile(join(corpus, "vars/list.yaml")), { file: join(corpus, "vars/list.yaml"), line: 1, col: 1, fragment: "must be a mapping" });
  });
});

describe("bad input with no committed file", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "bkplay-corpus-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const huge = (name: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `# padding\n${"#".repeat(4 * 1024 * 1024)}\n`);
    return file;
  };
  it("a playbook over 4 MiB", () => {
    const file = huge("huge.yaml");
    expectFirst(() => loadPlaybook(file), { file, line: 1, col: 1, fragment: "the limit is" });
  });
  it("a vars file over 4 MiB", () => {
    const file = huge("huge-vars.yaml");
    expectFirst(() => loadInputs("change-domain", flags({ varsFile: file })), { file, line: 1, col: 1, fragment: "the limit is" });
  });

  const table: { title: string; ref?: string; extraVar?: string[]; limit?: string; fragment: string }[] = [
    { title: "-e for an undeclared variable", extraVar: ["new_domian=paas.example.com"], fragment: "-e new_domian: 'new_domian' is not a variable of change-domain — did you mean 'new_domain'?" },
    { title: "-e value not matching the format", extraVar: ["new_domain=bad domain!"], fragment: `-e new_domain: "bad domain!" must match pattern "\\.", must match format "hostname"` },
    { title: "-e value not matching the pattern", extraVar: ["new_domain=paas.example.com", "cc_host=cmdb/1"], fragment: `-e cc_host: "cmdb/1" must match pattern` },
    { title: "-e integer given 'abc'", ref: TYPED_VARS, extraVar: ["retries=abc"], fragment: `-e retries: "abc" must be integer` },
    { title: "-e integer below its minimum", ref: TYPED_VARS, extraVar: ["retries=0"], fragment: "-e retries: 0 must be >= 1" },
    { title: "-e boolean given 'maybe'", ref: TYPED_VARS, extraVar: ["enabled=maybe"], fragment: `-e enabled: "maybe" must be boolean` },
    { title: "-e without '='", extraVar: ["new_domain"], fragment: "-e expects name=value, @file.yaml or a JSON object, got 'new_domain'" },
    { title: "a required variable not given", fragment: "missing required variable 'new_domain'" },
    { title: "--limit matching nothing", extraVar: ["new_domain=paas.example.com"], limit: "nosuch*", fragment: "--limit 'nosuch*' matches no host" },
  ];
  for (const t of table) {
    it(t.title, () => {
      const [first] = problemsOf(() => loadInputs(t.ref ?? "change-domain", flags({ extraVar: t.extraVar ?? [], ...(t.limit ? { limit: t.limit } : {}) })));
      expect(first?.message).to.include(t.fragment);
    });
  }
});

describe("bad input through the real CLI: exit 2, one located line per problem, no host contacted", () => {
  let dir: string;
  let inventory: string;
  let host: Awaited<ReturnType<typeof countingHost>>;
  before(async () => {
    host = await countingHost();
    const { port } = host;
    dir = mkdtempSync(join(tmpdir(), "bkplay-corpus-cli-"));
    inventory = join(dir, "hosts.yaml");
    writeFileSync(
      inventory,
      `groups:\n  paas:\n    hosts:\n      paas-1: { address: 127.0.0.1, port: ${port} }\n  nginx:\n    hosts:\n      paas-1:\n  appo:\n    hosts:\n      paas-1:\n`,
    );
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => expect(host.connections(), "connections to the inventory's host").to.equal(0));

  /** stderr is exactly the in-process problems, one `file:line:col: message` line each. */
  function expectStderr(stderr: string, problems: Problem[]): void {
    const lines = stderr.trimEnd().split("\n");
    expect(lines).to.deep.equal(problems.map(formatProblem));
    for (const l of lines) expect(l).to.not.match(/^\s+at /);
  }
  const located = (problems: Problem[]): Problem[] => {
    for (const p of problems) expect(p.location, p.message).to.not.be.undefined;
    return problems;
  };

  it("validate with two bad playbooks prints every problem of both", async () => {
    const a = join(corpus, "playbook/tab-indent.yaml");
    const b = join(corpus, "playbook/notify-wrong-type.yaml");
    const problems = located([...problemsOf(() => loadPlaybook(a)), ...problemsOf(() => loadPlaybook(b))]);
    expect(problems.length).to.be.above(2);
    const r = await bkplay(["validate", a, b]);
    expect(r.code).to.equal(2);
    expectStderr(r.stderr, problems);
  });

  const runs: { title: string; ref: string; args: string[] }[] = [
    { title: "run: a missing step parameter", ref: join(corpus, "playbook/missing-param.yaml"), args: [] },
    { title: "run: a template naming an undefined variable", ref: join(corpus, "playbook/render-undefined-var.yaml"), args: [] },
    { title: "run: an alias bomb", ref: join(corpus, "playbook/alias-bomb.yaml"), args: [] },
    { title: "run: a vars file with an unknown key", ref: "change-domain", args: ["--vars-file", join(corpus, "vars/unknown-key.yaml")] },
  ];
  for (const t of runs) {
    it(t.title, async () => {
      const varsFile = t.args[1];
      const problems = located(problemsOf(() => loadInputs(t.ref, { inventory, extraVar: [], ...(varsFile ? { varsFile } : {}) })));
      const r = await bkplay(["run", t.ref, "-i", inventory, ...t.args]);
      expect(r.code).to.equal(2);
      expectStderr(r.stderr, problems);
    });
  }

  it("run: an -e value not matching its format", async () => {
    const r = await bkplay(["run", "change-domain", "-i", inventory, "-e", "new_domain=bad domain!"]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trimEnd().split("\n")).to.deep.equal([`-e new_domain: "bad domain!" must match pattern "\\.", must match format "hostname" (host paas-1)`]);
  });
});
