import type { Host } from "../inventory/types.js";
import type { ConnectSpec, Transport } from "../transport/types.js";
import { gatherFleet } from "./gather.js";
import { judgeFleet, worst, type CheckResult, type Finding } from "./judge.js";
import type { Check, Outcome } from "./types.js";
import { say } from "../i18n/lang.js";

export interface DoctorHost {
  name: string;
  address: string;
  generation: string | null;
  /** How the generation was found, or why it was not. */
  generationFrom?: string;
  reached: boolean;
  error?: string;
  durationMs: number;
}

/** What doctor found, and the secret values it saw (for masking; never part of the report). */
export interface DoctorRun {
  report: DoctorReport;
  secrets: string[];
}

export interface DoctorReport {
  format: "bkplay-doctor";
  version: 1;
  inventory: string;
  hosts: DoctorHost[];
  checks: (CheckResult & { title: string })[];
  findings: Finding[];
  summary: Record<Outcome, number> & { checks: number; hosts: number; outcome: Outcome };
}

/** The pseudo-check under which a host that could not be read is reported. */
export const REACH = "host.reachable";

export interface DoctorOptions {
  inventory: string;
  groups: Readonly<Record<string, readonly string[]>>;
  forks: number;
  timeoutMs: number;
  connect?: (spec: ConnectSpec) => Promise<Transport>;
}

/** Read every host once (nothing written, nothing run that changes state), then judge every check; plain data back. */
export async function runDoctor(hosts: readonly Host[], checks: readonly Check[], o: DoctorOptions): Promise<DoctorRun> {
  const gathered = await gatherFleet(hosts, checks, { forks: o.forks, timeoutMs: o.timeoutMs, ...(o.connect ? { connect: o.connect } : {}) });
  const { results, findings } = judgeFleet(checks, gathered, o.inventory, o.groups);
  const unreached: Finding[] = gathered.filter((g) => !g.reached).map((g) => ({ check: REACH, outcome: "fail", hosts: [g.host.name], message: g.error ?? "unreachable" }));
  const all = [...unreached, ...findings];
  const count = (x: Outcome): number => all.filter((f) => f.outcome === x).length;
  const judged = results.filter((r) => r.outcome !== "skipped");
  const report: DoctorReport = {
    format: "bkplay-doctor",
    version: 1,
    inventory: o.inventory,
    hosts: gathered.map((g) => ({
      name: g.host.name,
      address: g.host.address,
      generation: g.generation,
      ...(g.generationFrom !== undefined ? { generationFrom: g.generationFrom } : g.generationProblem !== undefined ? { generationFrom: g.generationProblem } : {}),
      reached: g.reached,
      ...(g.error !== undefined ? { error: g.error } : {}),
      durationMs: g.durationMs,
    })),
    checks: results.map((r) => ({ ...r, title: say(checks.find((c) => c.id === r.id)?.title ?? { en: r.id, zh: r.id }) })),
    findings: all,
    summary: { ok: judged.filter((r) => r.outcome === "ok").length, warn: count("warn"), fail: count("fail"), unknown: count("unknown"), error: count("error"), checks: judged.length, hosts: gathered.filter((g) => g.reached).length, outcome: worst(all.map((f) => f.outcome)) },
  };
  return { report, secrets: [...new Set(gathered.flatMap((g) => g.secrets))] };
}
