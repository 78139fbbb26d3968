import { matchHosts } from "../inventory/limit.js";
import type { Host, Inventory } from "../inventory/types.js";
import { renderDeep } from "../playbook/template.js";
import type { Playbook, StepDef } from "../playbook/types.js";
import type { GivenVar } from "../playbook/vars.js";
import { buildWork, readOnly, type BuiltWork } from "./build-work.js";
import { extract, type Read } from "./read-value.js";
import { renderedVariants, type HostWork } from "./work.js";
import type { HostPlan } from "./plan-host.js";
import { t } from "../i18n/t.js";

interface Condition {
  value: unknown;
  op: ">" | ">=" | "<" | "<=" | "==" | "!=";
  than: unknown;
  message?: string;
}
interface AssertParams {
  read?: Record<string, Read>;
  that: Condition[];
}
interface Observed {
  value: unknown;
  where: string;
}

const OPS: Record<Condition["op"], (a: number | string, b: number | string) => boolean> = {
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function assertSteps(playbook: Playbook): StepDef[] {
  return playbook.plays.flatMap((p) => p.steps.filter((s) => s.type === "assert"));
}

/**
 * `assert` steps are checked on the state every host will be in after this run (files as planned, on hosts
 * this run changes or not), before any host changes. Their reads are added to the read hosts' probes.
 */
export function invariantChecker(playbook: Playbook, inventory: Inventory, built: BuiltWork, given: Record<string, GivenVar>): ((plans: ReadonlyMap<string, HostPlan>) => string[]) | undefined {
  const asserts = assertSteps(playbook);
  if (asserts.length === 0) return undefined;
  const workOf = (host: Host): HostWork => {
    let work = built.works.find((w) => w.host.name === host.name);
    if (!work) {
      // A host outside this run (e.g. --limit) is still read: the condition covers the whole fleet.
      const own = buildWork(playbook, inventory, [host], given);
      const only = own.works[0];
      if (!only) throw new Error(`no work for ${host.name}`);
      // Read only: its steps are not this run's.
      work = readOnly(only);
      built.vars.set(host.name, own.vars.get(host.name) ?? {});
      built.works.push(work);
    }
    return work;
  };
  // A host's context is its generation's once the probe found it (the session swaps the work's variant in).
  const contextOf = (host: string): Record<string, unknown> => built.works.find((w) => w.host.name === host)?.context ?? {};
  const readPaths = (r: Read, context: Record<string, unknown>): string[] => [r.file].flat().map((f) => String(renderDeep(f, context)));
  for (const a of asserts) {
    for (const r of Object.values((a.params as unknown as AssertParams).read ?? {})) {
      for (const h of matchHosts(inventory, r.hosts)) {
        const work = workOf(h);
        for (const v of renderedVariants(work)) work.extraProbes.push(...readPaths(r, v.context).map((path) => ({ kind: "file" as const, path })));
      }
    }
  }
  return (plans) =>
    asserts.flatMap((a) => {
      const params = a.params as unknown as AssertParams;
      const evalHost = built.works[0]?.host.name ?? "";
      const observe = (v: unknown): Observed[] => {
        if (typeof v === "string" && v.startsWith("read:")) {
          const r = params.read?.[v.slice(5)];
          if (!r) return [];
          return matchHosts(inventory, r.hosts).flatMap((h) => {
            const plan = plans.get(h.name);
            if (!plan) return [];
            // The last file that sets the value is the one that counts (settings_production.py over default.py).
            const found = readPaths(r, contextOf(h.name)).flatMap((path) => {
              const value = extract(plan.facts.file(path).content ?? "", r);
              return value === undefined ? [] : [{ value, where: `${h.name}:${path}` }];
            });
            return [found.at(-1) ?? { value: undefined, where: `${h.name}:${readPaths(r, contextOf(h.name)).join(", ")}` }];
          });
        }
        return [{ value: renderDeep(v, contextOf(evalHost)), where: "" }];
      };
      return params.that.flatMap((cond) => {
        const failures: string[] = [];
        const [lefts, rights] = [observe(cond.value), observe(cond.than)];
        // A side with nothing read would make the condition hold vacuously (PaaS never compared with the agents).
        const empty = [cond.value, cond.than].filter((_, i) => [lefts, rights][i]?.length === 0).map((v) => emptySide(v, params.read, inventory));
        if (empty.length > 0) return [t("engine.cannotCheck", { name: a.name, why: empty.join("; ") })];
        for (const left of lefts) {
          for (const right of rights) {
            if (!OPS[cond.op](comparable(left.value), comparable(right.value))) {
              failures.push(`${fmt(left)} is not ${cond.op} ${fmt(right)}`);
            }
          }
        }
        if (failures.length === 0) return [];
        const msg = cond.message ? String(renderDeep(cond.message, contextOf(evalHost))) : a.name;
        return [`${msg}: ${failures.slice(0, 3).join("; ")}${failures.length > 3 ? ` (and ${failures.length - 3} more)` : ""}`];
      });
    });
}

/** Why one side of a condition has no value: its pattern names no host, or none of them could be read. */
function emptySide(v: unknown, reads: Record<string, Read> | undefined, inventory: Inventory): string {
  const name = typeof v === "string" ? v.slice("read:".length) : "";
  const r = reads?.[name];
  if (!r) return t("engine.notDeclaredRead", { name });
  const hosts = matchHosts(inventory, r.hosts);
  return hosts.length === 0 ? t("engine.readNoHosts", { name, hosts: r.hosts, groups: Object.keys(inventory.groups).join(", ") }) : t("engine.readNoneRead", { name, hosts: r.hosts, names: hosts.map((h) => h.name).join(", ") });
}

function comparable(v: unknown): number | string {
  if (typeof v === "number") return v;
  const s = typeof v === "string" ? v : JSON.stringify(v ?? null);
  return s.trim() !== "" && !Number.isNaN(Number(s)) ? Number(s) : s;
}

function fmt(o: Observed): string {
  return o.where ? `${JSON.stringify(o.value ?? null)} (${o.where})` : JSON.stringify(o.value);
}
