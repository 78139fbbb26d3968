import { hostMarkers, pinnedGeneration } from "../generations/host-layout.js";
import { GENERATIONS } from "../generations/layouts.js";
import type { Host } from "../inventory/types.js";
import { connect } from "../transport/connect.js";
import type { HostKeyPolicy } from "../transport/types.js";
import { localContext } from "./build-work.js";
import { HostSession } from "./host-session.js";
import { mapPool } from "./pool.js";
import type { HostWork } from "./work.js";

export interface GenerationProbe {
  host: string;
  generation?: { name: string; from: string };
  error?: string;
}

/** Each host's generation, read from its marker files in one round trip (or as the inventory pins it). */
export async function probeGenerations(hosts: readonly Host[], opts: { forks: number; hostKeyPolicy?: HostKeyPolicy; sshConfig?: string }): Promise<GenerationProbe[]> {
  const ctx = localContext(".");
  return mapPool(hosts, opts.forks, async (host) => {
    const pinned = pinnedGeneration(host);
    const empty = { steps: [], handlers: [], verify: [], ctx, context: {}, problems: [] };
    const work: HostWork = { host, generation: pinned ?? null, ...empty, extraProbes: [] };
    if (!pinned) work.candidates = { markers: hostMarkers(host), variants: GENERATIONS.map((g) => ({ ...empty, generation: g })) };
    const session = new HostSession(work, { runId: "probe", playbook: "", backupRoot: "", lockTimeout: 0, readLocal: ctx.readLocal, connect, ...(opts.hostKeyPolicy ? { hostKeyPolicy: opts.hostKeyPolicy } : {}), ...(opts.sshConfig ? { sshConfig: opts.sshConfig } : {}) });
    try {
      if (await session.connect()) await session.probeAndPlan();
    } catch (err) {
      session.result.error = (err as Error).message;
    } finally {
      await session.close();
    }
    const r = session.result;
    return { host: host.name, ...(r.generation ? { generation: r.generation } : {}), ...(r.error !== undefined ? { error: r.error } : {}) };
  });
}
