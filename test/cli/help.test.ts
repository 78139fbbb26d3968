import { expect } from "chai";
import { bkplay } from "../support/cli.js";

describe("bkplay --help", () => {
  it("lists every command and the exit codes", async () => {
    const r = await bkplay(["--help"]);
    expect(r.code).to.equal(0);
    for (const command of ["list", "validate", "inventory", "run", "sandbox"]) expect(r.stdout).to.match(new RegExp(`^\\s+${command}\\b`, "m"));
    for (const code of [0, 1, 2, 3]) expect(r.stdout).to.match(new RegExp(`^\\s+${code}\\s+\\S`, "m"));
  });

  it("run --help lists every flag", async () => {
    const r = await bkplay(["run", "--help"]);
    expect(r.code).to.equal(0);
    for (const flag of ["-i, --inventory", "-e, --extra-var", "--vars-file", "--limit", "--check", "--diff", "--forks", "--host-key-checking", "--backup-dir", "--json"]) {
      expect(r.stdout).to.include(flag);
    }
  });
});
