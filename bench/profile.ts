import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
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

const maps = new Map<string, SourceMap | null>();

/**
 * A frame of the bundled CLI (dist/cli) as its original file (through the bundle's source map, which esbuild chained
 * to tsc's), so that time is charged to the package or the bkplay directory it comes from.
 */
function originalFrame(frame: CallFrame): CallFrame {
  if (!/\/dist\/cli\/[^/]+\.js$/.test(frame.url)) return frame;
  const file = fileURLToPath(frame.url);
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")) as ConstructorParameters<typeof SourceMap>[0]));
    } catch {
      maps.set(file, null);
    }
  }
  const entry = maps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry === undefined || !("originalSource" in entry)) return frame;
  return { ...frame, url: entry.originalSource.replace(/^(\.\.\/)+/, "/"), lineNumber: entry.originalLine };
}

/** Where a frame's code comes from, coarse enough to say which package a run spends its CPU in. */
export function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  if (url.startsWith("node:")) return "node: internals";
  const own = /\/(?:dist\/)?(src\/[^/]+)/.exec(url);
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
    const raw = byId.get(id)?.callFrame;
    if (raw === undefined) continue;
    const frame = originalFrame(raw);
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
