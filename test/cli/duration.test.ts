import { expect } from "chai";
import { parseDuration } from "../../src/cli/duration.js";

describe("--valid-for durations", () => {
  it("reads days, hours, minutes and seconds, alone or together", () => {
    expect(parseDuration("8h", "--valid-for")).to.equal(8 * 3_600_000);
    expect(parseDuration("1h30m", "--valid-for")).to.equal(90 * 60_000);
    expect(parseDuration("2d", "--valid-for")).to.equal(2 * 86_400_000);
    expect(parseDuration("90s", "--valid-for")).to.equal(90_000);
  });

  it("refuses anything else, naming the flag", () => {
    for (const bad of ["", "8", "8 h", "h", "0m", "1h 30m", "-1h", "1.5h"]) expect(() => parseDuration(bad, "--valid-for"), bad).to.throw(/--valid-for must be a duration/);
  });
});
