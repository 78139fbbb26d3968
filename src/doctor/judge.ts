import { bkView, nodeView } from "../generations/host-layout.js";
import type { Gathered } from "./gather.js";
import { forGeneration, inGroups } from "./gather.js";
import type { Check, HostView, Outcome, Verdict } from "./types.js";
import { t } from "../i18n/t.js";

/** A verdict as reported: the check it came from. */
export interface Finding extends Verdict {
  check: string;
}

export interface CheckResult {
  id: string;
  outcome: Outcome | "skipped";
  /** Hosts it applied to and judged. */
  hosts: string[];
}

const RANK: Record<Outcome, number> = { ok: 0, unknown: 1, warn: 2, error: 3, fail: 4 };
export const worst = (outcomes: readonly Outcome[]): Outcome => outcomes.reduce<Outcome>((a, b) => (RANK[b] > RANK[a] ? b : a), "ok");

/** Hosts judged together: those of one generation are one install (a mixed inventory holds several). */
function installs(views: readonly HostView[]): HostView[][] {
  const by = new Map<string, HostView[]>();
  for (const v of views) by.set(v.generation ?? "", [...(by.get(v.generation ?? "") ?? []), v]);
  return [...by.values()];
}

/** Judge every check over the hosts that answered; a judgement that throws is the check's `error`, not the run's. */
export function judgeFleet(checks: readonly Check[], gathered: readonly Gathered[], inventory: string, groups: Readonly<Record<string, readonly string[]>>): { results: CheckResult[]; findings: Finding[] } {
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const check of checks) {
    const applicable = gathered.filter((g) => inGroups(check, g.host));
    const views: HostView[] = [];
    const own: Finding[] = [];
    for (const g of applicable) {
      if (!g.reached || !g.facts) continue;
      if (check.needsGeneration !== false) {
        if (g.generation === null) {
          // A check for named generations (a 7.x node's) does not claim a host that is none it can tell (a 5.x MySQL host).
          if (check.generations === undefined) own.push({ check: check.id, outcome: "unknown", hosts: [g.host.name], message: g.generationProblem ?? t("doctor.generationUnknown") });
          continue;
        }
        if (!forGeneration(check, g.generation)) continue;
      }
      const layout = check.needsGeneration === false ? null : g.generation;
      views.push({ name: g.host.name, host: g.host, generation: g.generation, bk: layout === null ? null : bkView(g.host, layout), node: layout === null ? null : nodeView(g.host, layout), facts: g.facts, bracket: g.bracket });
    }
    for (const install of check.wholeFleet === true ? [views].filter((v) => v.length > 0) : installs(views)) {
      try {
        own.push(...check.judge({ hosts: install, inventory, groups }).map((v) => ({ check: check.id, ...v })));
      } catch (err) {
        own.push({ check: check.id, outcome: "error", hosts: install.map((v) => v.name), message: t("doctor.checkBroke", { reason: (err as Error).message }) });
      }
    }
    const judged = [...new Set([...views.map((v) => v.name), ...own.flatMap((f) => f.hosts)])];
    results.push({ id: check.id, outcome: judged.length === 0 ? "skipped" : worst(own.map((f) => f.outcome)), hosts: judged });
    findings.push(...own);
  }
  return { results, findings };
}
