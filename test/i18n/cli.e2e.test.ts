import { expect } from "chai";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { cells } from "../../src/i18n/width.js";
import { bkplay, reportOf } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const CHINESE = { LANG: "zh_CN.UTF-8", LC_ALL: "", LC_MESSAGES: "" };
const corpus = join(import.meta.dirname, "../../../test/corpus");

/** The report with what differs from run to run (ids, times) set aside, and the human message fields emptied. */
function machinePart(r: RunReport): unknown {
  return {
    ...r,
    runId: "",
    startedAt: "",
    durationMs: 0,
    refused: r.refused.length,
    hosts: r.hosts.map((h) => ({
      ...h,
      durations: null,
      notes: h.notes.length,
      error: h.error === undefined ? undefined : "",
      steps: h.steps.map((s) => ({ ...s, messages: s.messages.length, error: s.error === undefined ? undefined : "", changes: s.changes.map((c) => (c.kind === "run" ? { ...c, reason: "" } : c)) })),
    })),
    batches: r.batches.map((b) => ({ ...b, durationMs: 0 })),
  };
}

describe("中文: the CLI under a zh_* locale (real CLI output)", () => {
  it("--help is Chinese, exit codes and flags as they are", async () => {
    const r = await bkplay(["run", "--help"], { env: CHINESE });
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("用法: bkplay run [options] <playbook>");
    expect(r.stdout).to.include("-C, --check").and.include("只生成计划: 显示将会变更的内容, 不写入任何东西");
    const top = await bkplay(["--help"], { env: CHINESE });
    expect(top.stdout).to.include("退出码:").and.include("  2  输入有误");
  });

  it("--lang en wins over the locale, and --lang zh over an English one", async () => {
    expect((await bkplay(["--lang", "en", "run", "--help"], { env: CHINESE })).stdout).to.include("Usage: bkplay run");
    expect((await bkplay(["run", "--help", "--lang=zh"])).stdout).to.include("用法: bkplay run");
  });

  it("a bad playbook is refused in Chinese at the same file:line:col, exit 2", async () => {
    const file = join(corpus, "playbook/two-step-types.yaml");
    const r = await bkplay(["validate", file], { env: CHINESE });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(`${file}:7:9: 一个步骤只能有一种类型; 发现了 'line' + 'replace'`);
    const en = await bkplay(["validate", file]);
    expect(en.stderr).to.include(`${file}:7:9: a step has exactly one type; found 'line' + 'replace'`);
  });

  it("a usage error is Chinese, exit 2", async () => {
    const r = await bkplay(["run", "change-domain"], { env: CHINESE });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("错误: 未指定必需的选项 '-i, --inventory <file>'");
  });

  describe("a run on the sandbox", () => {
    const { fleet, dir } = useFleet(3, "sshd", "ce5");

    it("prints its recap in Chinese, columns aligned by display cells", async () => {
      const inv = writeInventory(fleet(), join(dir(), "zh.yaml"));
      const r = await bkplay(["run", "raise-deploy-timeout", "-i", inv, "-e", "agent_timeout=900", "--check"], { env: CHINESE });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^检查 \(未写入任何内容\) raise-deploy-timeout — 执行 /m);
      const rows = r.stdout.split("\n").filter((l) => /正常=\d+ 将变更=\d+/.test(l));
      expect(rows).to.have.length(fleet().hosts.length);
      expect(rows.some((l) => l.includes("将变更"))).to.equal(true);
      // The counts start at the same cell on every row whatever the status label's script.
      const starts = rows.map((l) => cells(l.slice(0, l.indexOf("正常="))));
      expect(new Set(starts).size, rows.join("\n")).to.equal(1);
      expect(r.stdout).to.not.match(/\bwould change\b|\bRECAP\b|\bCHECK\b/);
    });

    it("--json is the same in both languages apart from its human message fields", async () => {
      const inv = writeInventory(fleet(), join(dir(), "json.yaml"));
      const args = ["run", "change-domain", "-i", inv, "-e", "new_domain=paas.example.net", "--check", "--json"];
      const en = reportOf(await bkplay(args));
      const zh = reportOf(await bkplay(args, { env: CHINESE }));
      expect(en.hosts.some((h) => h.status === "changed")).to.equal(true);
      expect(machinePart(zh)).to.deep.equal(machinePart(en));
    });
  });
});
