import { expect } from "chai";
import { coerce } from "../../src/playbook/coerce.js";
import type { VarSpec } from "../../src/playbook/types.js";

/** `-e` strings become the declared type; what cannot is left as given, for the schema to refuse. */
const cases: { type: VarSpec["type"] | string[]; given: unknown; want: unknown }[] = [
  { type: "integer", given: "42", want: 42 },
  { type: "integer", given: " -7 ", want: -7 },
  { type: "integer", given: "abc", want: "abc" },
  { type: "integer", given: "1.5", want: "1.5" },
  { type: "number", given: "1.5", want: 1.5 },
  { type: "number", given: "1e3", want: 1000 },
  { type: "number", given: "", want: "" },
  { type: "boolean", given: "true", want: true },
  { type: "boolean", given: "No", want: false },
  { type: "boolean", given: "YES", want: true },
  { type: "boolean", given: "maybe", want: "maybe" },
  { type: "array", given: "a, b,c", want: ["a", "b", "c"] },
  { type: "array", given: "[1, 2]", want: [1, 2] },
  { type: "array", given: "", want: [] },
  { type: "object", given: '{"a": 1}', want: { a: 1 } },
  { type: "object", given: "{a: [x]}", want: { a: ["x"] } },
  { type: "object", given: "{a: [", want: "{a: [" },
  { type: "object", given: "a=1", want: "a=1" },
  { type: ["string", "null"], given: "null", want: "null" },
  { type: ["integer", "null"], given: "null", want: null },
  { type: ["integer", "null"], given: "", want: null },
  { type: ["integer", "null"], given: "8", want: 8 },
  { type: "string", given: "42", want: "42" },
  { type: undefined, given: "true", want: "true" },
  { type: "integer", given: 7, want: 7 },
];

describe("coerce", () => {
  for (const c of cases) {
    it(`${JSON.stringify(c.given)} as ${JSON.stringify(c.type ?? "(no type)")} → ${JSON.stringify(c.want)}`, () => {
      const spec: VarSpec = c.type === undefined ? {} : { type: c.type as string };
      expect(coerce(spec, c.given)).to.deep.equal(c.want);
    });
  }
});
