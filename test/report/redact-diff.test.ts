import { expect } from "chai";
import { reviewPatch } from "../../src/report/diffs.js";
import { changedSecretKeys, makeRedactor } from "../../src/report/redact.js";

describe("diffs of files holding secrets", () => {
  const redact = makeRedactor([]);
  const before = "DEBUG = False\nSECRET_KEY = 'Aa1oldKeyValue'\nDATABASES = {'PASSWORD': 'Db9same'}\n";
  const after = "DEBUG = False\nSECRET_KEY = 'Bb2newKeyValue'\nDATABASES = {'PASSWORD': 'Db9same'}\n";

  it("mask a secret on both the - and the + line, and name the key whose value differs", () => {
    const patch = reviewPatch({ path: "/x/settings_production.py", before, after }, redact);
    expect(patch).to.include("-SECRET_KEY = '••••'\n+SECRET_KEY = '••••'\n").and.match(/\(secret values not shown; they differ: SECRET_KEY\)\n$/);
    expect(patch).to.not.include("KeyValue").and.not.include("Db9same");
  });

  it("name only keys set on both sides to different values", () => {
    expect(changedSecretKeys(before, after)).to.deep.equal(["SECRET_KEY"]);
    expect(changedSecretKeys(before, before)).to.deep.equal([]);
    expect(changedSecretKeys("DEBUG = 1\n", after)).to.deep.equal([]);
    expect(reviewPatch({ path: "/x", before: "DEBUG = 1\n", after: "DEBUG = 2\n" }, redact)).to.not.include("not shown");
  });
});
