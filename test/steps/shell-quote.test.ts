import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { shellQuote } from "../../src/steps/shell-quote.js";

/** A real sh must read every quoted value back byte for byte: the only test of quoting that counts. */
describe("shellQuote", () => {
  const hostile = [
    "",
    "plain",
    "/data/bkce/etc/paas_agent_config.yaml",
    "it's",
    "'",
    "''",
    'say "hi"',
    "a; rm -rf /",
    "$(id)",
    "`id`",
    "${HOME} $HOME",
    "line1\nline2\n",
    "back\\slash\\",
    "tab\there",
    "*.py ?[a]",
    "~root",
    "a=b",
    "-n",
    "密码 ✓ café",
    "!event #comment & | < > ( ) { }",
  ];
  for (const value of hostile) {
    it(`round-trips ${JSON.stringify(value)}`, () => {
      const out = execFileSync("sh", ["-c", `printf %s ${shellQuote(value)}`], { encoding: "utf8" });
      expect(out).to.equal(value);
    });
  }

  it("leaves plain words bare and quotes the rest", () => {
    expect(shellQuote("/data/bkce")).to.equal("/data/bkce");
    expect(shellQuote("it's")).to.equal(`'it'\\''s'`);
    expect(shellQuote("")).to.equal("''");
  });
});
