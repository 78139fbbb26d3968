import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package: an npm package, `node:` internals, bkplay's own `src/<dir>`, or a V8 pseudo-frame. */
  byPackage: { name: string; ms: number; pct: number }[];
  topFunctions: { name: string; where: string; ms: number; pct: number }[];
}

/** Where a frame's code comes from, coarse enough to say which package a run spends its CPU in. */
export function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  if (url.startsWith("node:")) return "node: internals";
  const own = /\/dist\/(src\/[^/]+)/.exec(url);
  if (own?.[1] !== undefined) return `bkplay ${own[1]}`;
  return url;
}

/** Self time per package and per function of a V8 .cpuprofile (from node --cpu-prof). */
export async function summarizeProfile(file: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const short = frame.url.includes("/node_modules/") ? frame.url.replace(/^.*\/node_modules\//, "") : frame.url.replace(/^.*\/dist\//, "dist/");
    const where = frame.url === "" ? "" : `${short}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const entry = functions.get(key) ?? { name: frame.functionName || "(anonymous)", where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const pct = (us: number): number => (100 * us) / totalUs;
  return {
    totalMs: totalUs / 1000,
    byPackage: [...packages].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, pct: pct(us) })),
    topFunctions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, pct: pct(f.us) })),
  };
}
