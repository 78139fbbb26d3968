import { localContext } from "../engine/build-work.js";
import { HostSession } from "../engine/host-session.js";
import { mapPool } from "../engine/pool.js";
import { probeKey } from "../engine/probe-script.js";
import type { HostWork } from "../engine/work.js";
import { bkView, hostMarkers, nodeView, pinnedGeneration } from "../generations/host-layout.js";
import { GENERATIONS, isPaasGeneration, type Generation } from "../generations/layouts.js";
import { detectGeneration, detectionProblem, markerProbes, markerReader } from "../generations/markers.js";
import type { Host } from "../inventory/types.js";
import type { Facts, Probe } from "../steps/types.js";
import { connect } from "../transport/connect.js";
import type { ConnectSpec, Transport } from "../transport/types.js";
import { secretsIn } from "./secrets.js";
import type { Check } from "./types.js";
import { t } from "../i18n/t.js";

/** One host's answer: its facts and generation, or why there are none. */
export interface Gathered {
  host: Host;
  /** Connected and probed within the time bound. */
  reached: boolean;
  /** Why the host could not be read (unreachable, timed out, the probe failed). */
  error?: string;
  generation: Generation | null;
  /** How the generation was found (markers, or the inventory), or why none was. */
  generationFrom?: string;
  generationProblem?: string;
  facts?: Facts;
  /** Secret-looking values in the files read: the report is masked with them. */
  secrets: string[];
  bracket: { before: number; after: number };
  durationMs: number;
}

export interface GatherOptions {
  forks: number;
  /** Each host's bound: connect and probe within it, or it is a finding. */
  timeoutMs: number;
  connect?: (spec: ConnectSpec) => Promise<Transport>;
}

/** Does `check` apply to this host's groups? */
export const inGroups = (check: Check, host: Host): boolean => check.groups === undefined || check.groups.some((g) => host.groups.includes(g));

/** Does `check` apply to hosts of generation g? By default, to those with a PaaS tree. */
export const forGeneration = (check: Check, g: Generation): boolean => check.generations?.includes(g) ?? isPaasGeneration(g);

/** Every probe every applicable check needs on this host, for each generation it may turn out to be, and the markers. */
export function probesFor(host: Host, checks: readonly Check[]): Probe[] {
  const pinned = pinnedGeneration(host);
  const candidates: Generation[] = pinned ? [pinned] : [...GENERATIONS];
  const probes: Probe[] = pinned ? [] : markerProbes(hostMarkers(host));
  for (const check of checks.filter((c) => inGroups(c, host))) {
    if (check.needsGeneration === false) probes.push(...check.probes({ host, bk: null, node: null }));
    else for (const g of candidates.filter((c) => forGeneration(check, c))) probes.push(...check.probes({ host, bk: bkView(host, g), node: nodeView(host, g) }));
  }
  const seen = new Set<string>();
  return probes.filter((p) => !seen.has(probeKey(p)) && Boolean(seen.add(probeKey(p))));
}

class TimedOut extends Error {}

/**
 * Read every host once, all in parallel (up to `forks`), through the engine's HostSession: one connection, one probe
 * round trip, nothing planned and nothing applied. A host that does not answer within the bound is left behind.
 */
export async function gatherFleet(hosts: readonly Host[], checks: readonly Check[], o: GatherOptions): Promise<Gathered[]> {
  const ctx = localContext(".");
  return mapPool(hosts, o.forks, async (host): Promise<Gathered> => {
    const pinned = pinnedGeneration(host) ?? null;
    // The connection gives up with the bound, so nothing of a dead host's outlives the run.
    const bounded: Host = { ...host, ssh: { ...host.ssh, connect_timeout: Math.min(host.ssh.connect_timeout, Math.max(1, Math.ceil(o.timeoutMs / 1000))) } };
    const probes = probesFor(host, checks);
    const work: HostWork = { host: bounded, generation: pinned, steps: [], handlers: [], verify: [], ctx, context: {}, extraProbes: probes };
    const session = new HostSession(work, { runId: "doctor", playbook: "", backupRoot: "", lockTimeout: 0, readLocal: ctx.readLocal, connect: o.connect ?? connect });
    const t0 = Date.now();
    const out: Gathered = { host, reached: false, generation: pinned, secrets: [], bracket: { before: t0, after: t0 }, durationMs: 0 };
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { reject(new TimedOut()); }, o.timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          if (!(await session.connect())) throw new Error(session.result.error ?? "unreachable");
          out.bracket.before = Date.now();
          await session.probeAndPlan();
          out.bracket.after = Date.now();
        })(),
        bound,
      ]);
      if (session.facts === undefined) throw new Error(session.result.error ?? t("doctor.answeredNothing"));
      out.facts = session.facts;
      out.secrets = secretsIn(session.facts, probes);
      out.reached = true;
      if (pinned !== null) out.generationFrom = t("inventory.fromInventory");
      else {
        const facts = session.facts;
        const found = detectGeneration(hostMarkers(host), markerReader(facts));
        if (found.kind === "found") {
          out.generation = found.generation;
          out.generationFrom = found.markers.join(", ");
        } else out.generationProblem = detectionProblem(found);
      }
    } catch (err) {
      out.error = err instanceof TimedOut ? t("doctor.timedOut", { seconds: Math.round(o.timeoutMs / 1000) }) : (err as Error).message;
    } finally {
      clearTimeout(timer);
      out.durationMs = Date.now() - t0;
      // A host that timed out may never answer: closing must not hold the run either.
      await Promise.race([session.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    return out;
  });
}
