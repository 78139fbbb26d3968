import { expect } from "chai";
import { batchExceeds, parseSerial, splitBatches } from "../../src/engine/batches.js";
import { minutesLeft, parseWindow } from "../../src/cli/window.js";

const hosts = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);
const sizes = (serial: string, n = hosts.length): number[] => splitBatches(hosts.slice(0, n), parseSerial(serial)).map((b) => b.length);

describe("rolling batch maths", () => {
  it("splits by count, percentage and canary lists", () => {
    expect(sizes("2")).to.deep.equal([2, 2, 2, 2, 2]);
    expect(sizes("3")).to.deep.equal([3, 3, 3, 1]);
    expect(sizes("25%")).to.deep.equal([2, 2, 2, 2, 2]);
    expect(sizes("1,25%,100%")).to.deep.equal([1, 2, 7]);
    expect(sizes("5%", 10)).to.deep.equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(splitBatches(hosts, undefined)).to.deep.equal([hosts]);
  });
  it("refuses sizes that are not counts or percentages", () => {
    for (const bad of ["0", "-1", "abc", "150%", "0%", ""]) expect(() => parseSerial(bad), bad).to.throw(/--serial/);
  });
  it("a batch stops the run when more than P% of its own hosts failed", () => {
    expect(batchExceeds(0, 4, 0)).to.equal(false);
    expect(batchExceeds(1, 4, 0)).to.equal(true);
    expect(batchExceeds(1, 4, 25)).to.equal(false);
    expect(batchExceeds(2, 4, 25)).to.equal(true);
    expect(batchExceeds(4, 4, 100)).to.equal(false);
  });
});

describe("change window with an injected clock", () => {
  const w = parseWindow("02:00-04:00", "Asia/Shanghai");
  it("knows inside, outside and the minutes left", () => {
    expect(minutesLeft(w, new Date("2026-11-21T18:30:00Z"))).to.equal(90);
    expect(minutesLeft(w, new Date("2026-11-21T17:59:00Z"))).to.equal(null);
    expect(minutesLeft(w, new Date("2026-11-21T20:00:00Z"))).to.equal(null);
  });
  it("handles windows across midnight", () => {
    const night = parseWindow("23:00-01:30", "UTC");
    expect(minutesLeft(night, new Date("2026-11-21T23:30:00Z"))).to.equal(120);
    expect(minutesLeft(night, new Date("2026-11-22T01:00:00Z"))).to.equal(30);
    expect(minutesLeft(night, new Date("2026-11-22T02:00:00Z"))).to.equal(null);
  });
  it("refuses malformed windows and zones", () => {
    expect(() => parseWindow("2-4", "UTC")).to.throw(/HH:MM-HH:MM/);
    expect(() => parseWindow("02:00-04:00", "Mars/Olympus")).to.throw(/unknown time zone/);
  });
});
