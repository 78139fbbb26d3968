import { expect } from "chai";
import { canonicalJson, signedBytes } from "../../src/plan/canonical.js";

describe("canonical plan bytes", () => {
  it("sorts keys at every depth, writes no whitespace, keeps array order, leaves undefined keys out", () => {
    expect(canonicalJson({ b: [3, { z: 1, a: "x y" }], a: null, c: undefined, é: "ü\n" })).to.equal('{"a":null,"b":[3,{"a":"x y","z":1}],"é":"ü\\n"}');
  });

  it("is the same for the same data however it was written", () => {
    const one = JSON.parse('{"x": 1, "y": {"b": true, "a": [1, 2]}}') as object;
    const two = JSON.parse('{"y":{"a":[1,2],"b":true},"x":1}') as object;
    expect(signedBytes(one).equals(signedBytes(two))).to.equal(true);
  });

  it("leaves the approvals out, so adding one keeps the others' signed bytes", () => {
    const plan = { runId: "r1", hosts: {} };
    expect(signedBytes({ ...plan, approvals: [{ principal: "bob" }] }).toString()).to.equal(signedBytes(plan).toString()).and.equal('{"hosts":{},"runId":"r1"}');
  });
});
