import { GENERATIONS, placePath, type Generation } from "./layouts.js";

/**
 * Files only one generation leaves behind (any one is enough): sources under open_paas/src and dashboard.sh
 * (oss); supervisor-open_paas.conf, the virtualenv build script, etc/nginx (ce5); bk-install's
 * /etc/blueking/env, its systemd units, esb/conf, the docker builder (ce6).
 */
export const MARKERS: Readonly<Record<Generation, readonly string[]>> = {
  oss: ["open_paas/src", "open_paas/bin/dashboard.sh", "paas_agent/bin/dashboard.sh"],
  ce5: ["etc/supervisor-open_paas.conf", "paas_agent/paas_agent/etc/build/virtualenv/build", "etc/nginx/paas.conf"],
  ce6: ["/etc/blueking/env", "/usr/lib/systemd/system/bk-paas.target", "/usr/lib/systemd/system/bk-paasagent.service", "open_paas/esb/conf/settings_production.py", "paas_agent/paas_agent/etc/build/docker/builder"],
};

export interface MarkerPaths {
  generation: Generation;
  paths: string[];
}

/** Each generation's markers as they would lie on this host (the root may differ per generation). */
export function markerPaths(rootOf: (g: Generation) => string, sysroot: string): MarkerPaths[] {
  return GENERATIONS.map((generation) => ({ generation, paths: MARKERS[generation].map((m) => placePath(m, rootOf(generation), sysroot)) }));
}

export type Detection =
  | { kind: "found"; generation: Generation; markers: string[] }
  | { kind: "unknown"; looked: string[] }
  | { kind: "ambiguous"; found: Partial<Record<Generation, string[]>> };

/** Pure: which generation's markers exist on the host. */
export function detectGeneration(candidates: readonly MarkerPaths[], exists: (path: string) => boolean): Detection {
  const found: Partial<Record<Generation, string[]>> = {};
  for (const c of candidates) {
    const present = c.paths.filter(exists);
    if (present.length > 0) found[c.generation] = present;
  }
  const hits = Object.entries(found) as [Generation, string[]][];
  const [only] = hits;
  if (hits.length === 1 && only) return { kind: "found", generation: only[0], markers: only[1] };
  if (hits.length === 0) return { kind: "unknown", looked: candidates.flatMap((c) => c.paths) };
  return { kind: "ambiguous", found };
}

/** Why a host that needs a generation cannot have one, and what to do. */
export function detectionProblem(d: Exclude<Detection, { kind: "found" }>): string {
  const fix = "set bk_generation (oss, ce5 or ce6) for this host in the inventory, or check paas_root";
  if (d.kind === "unknown") return `cannot tell which BlueKing this host runs: none of the marker files exists (looked for ${d.looked.join(", ")}); ${fix}`;
  const seen = Object.entries(d.found).map(([g, m]) => `${g}: ${m.join(", ")}`).join("; ");
  return `this host has marker files of several BlueKing generations (${seen}); ${fix}`;
}
