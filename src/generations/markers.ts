import type { Facts, Probe } from "../steps/types.js";
import { agentZkHost, isCe7Zk } from "./gse-agent.js";
import { GENERATIONS, isPaasGeneration, NODE_LAYOUT, placePath, type Generation, type PaasGeneration } from "./layouts.js";

/** A marker file: its existence is enough, or (`holds`) its content must say so too. */
export interface Marker {
  path: string;
  /** `what` the content must show; `otherwise`: what the file means when it does not. */
  holds?: { test: (content: string) => boolean; what: string; otherwise: string };
}

/**
 * Files only one generation leaves behind (any one is enough): sources under open_paas/src and dashboard.sh
 * (oss); supervisor-open_paas.conf, the virtualenv build script, etc/nginx (ce5); bk-install's
 * /etc/blueking/env, its systemd units, esb/conf, the docker builder (ce6). A bkce 7.x node keeps no PaaS
 * tree, and a GSE agent alone tells nothing (5.x and 6.x install it at the same path): its agent.conf is 7.x's
 * when zkhost points at 7.x's zookeeper (ce7).
 */
const PAAS_MARKERS: Readonly<Record<PaasGeneration, readonly string[]>> = {
  oss: ["open_paas/src", "open_paas/bin/dashboard.sh", "paas_agent/bin/dashboard.sh"],
  ce5: ["etc/supervisor-open_paas.conf", "paas_agent/paas_agent/etc/build/virtualenv/build", "etc/nginx/paas.conf"],
  ce6: ["/etc/blueking/env", "/usr/lib/systemd/system/bk-paas.target", "/usr/lib/systemd/system/bk-paasagent.service", "open_paas/esb/conf/settings_production.py", "paas_agent/paas_agent/etc/build/docker/builder"],
};

const CE7_AGENT: Marker = {
  path: NODE_LAYOUT.gse_agent_conf,
  holds: { test: (c) => { const zk = agentZkHost(c); return zk !== undefined && isCe7Zk(zk); }, what: "zkhost on bkce 7.x's zookeeper: bk-zookeeper or NodePort 32181",
    otherwise: "a GSE agent whose zkhost is not bkce 7.x's zookeeper: an agent alone does not tell the generation (5.x and 6.x install it at the same path)",
  },
};

export const MARKERS: Readonly<Record<Generation, readonly Marker[]>> = {
  ...(Object.fromEntries(Object.entries(PAAS_MARKERS).map(([g, paths]) => [g, paths.map((path) => ({ path }))])) as Record<PaasGeneration, Marker[]>),
  ce7: [CE7_AGENT],
};

export interface MarkerPaths {
  generation: Generation;
  markers: Marker[];
}

/** Each generation's markers as they would lie on this host (the root may differ per generation; ce7's are system paths). */
export function markerPaths(rootOf: (g: PaasGeneration) => string, sysroot: string): MarkerPaths[] {
  return GENERATIONS.map((generation) => ({
    generation,
    markers: MARKERS[generation].map((m) => ({ ...m, path: placePath(m.path, isPaasGeneration(generation) ? rootOf(generation) : "", sysroot) })),
  }));
}

/** What the probe reads for the markers: a stat, or the content where it decides. */
export const markerProbes = (candidates: readonly MarkerPaths[]): Probe[] =>
  candidates.flatMap((c) => c.markers.map((m): Probe => ({ kind: m.holds ? "file" : "stat", path: m.path })));

/** How detection reads the host: whether a path exists, and a file's content. */
export interface MarkerReader {
  exists(path: string): boolean;
  content(path: string): string | undefined;
}

/** A host's facts as detection reads them (the marker probes were part of its probe round trip). */
export const markerReader = (facts: Pick<Facts, "stat" | "file">): MarkerReader => ({ exists: (p) => facts.stat(p).exists, content: (p) => facts.file(p).content });

export type Detection =
  | { kind: "found"; generation: Generation; markers: string[] }
  | { kind: "unknown"; looked: string[]; unlike: string[] }
  | { kind: "ambiguous"; found: Partial<Record<Generation, string[]>> };

const describe = (m: Marker): string => (m.holds ? `${m.path} (${m.holds.what})` : m.path);

/** Pure: which generation's markers are on the host. */
export function detectGeneration(candidates: readonly MarkerPaths[], read: MarkerReader): Detection {
  const found: Partial<Record<Generation, string[]>> = {};
  const unlike: string[] = [];
  for (const c of candidates) {
    const present = c.markers.filter((m) => {
      if (!read.exists(m.path)) return false;
      if (!m.holds) return true;
      const ok = m.holds.test(read.content(m.path) ?? "");
      if (!ok) unlike.push(`${m.path} is ${m.holds.otherwise}`);
      return ok;
    });
    if (present.length > 0) found[c.generation] = present.map(describe);
  }
  const hits = Object.entries(found) as [Generation, string[]][];
  const [only] = hits;
  if (hits.length === 1 && only) return { kind: "found", generation: only[0], markers: only[1] };
  if (hits.length === 0) return { kind: "unknown", looked: candidates.flatMap((c) => c.markers.map(describe)), unlike };
  return { kind: "ambiguous", found };
}

/** Why a host that needs a generation cannot have one, and what to do. */
export function detectionProblem(d: Exclude<Detection, { kind: "found" }>): string {
  const fix = `set bk_generation (${GENERATIONS.join(", ")}) for this host in the inventory, or check paas_root`;
  if (d.kind === "unknown") {
    const seen = d.unlike.map((u) => `; ${u}`).join("");
    return `cannot tell which BlueKing this host runs: none of the marker files exists (looked for ${d.looked.join(", ")})${seen}; ${fix}`;
  }
  const seen = Object.entries(d.found).map(([g, m]) => `${g}: ${m.join(", ")}`).join("; ");
  return `this host has marker files of several BlueKing generations (${seen}); ${fix}`;
}
