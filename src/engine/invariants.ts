import { parse } from "yaml";
import { matchHosts } from "../inventory/limit.js";
import type { Host, Inventory } from "../inventory/types.js";
import { inventoryContext } from "../playbook/context.js";
import { renderDeep } from "../playbook/template.js";
import type { Playbook, StepDef } from "../playbook/types.js";
import { resolveHostVars, type GivenVar } from "../playbook/vars.js";
import { localContext, type BuiltWork } from "./build-work.js";
import type { HostWork } from "./work.js";
import type { HostPlan } from "./plan-host.js";

interface Read {
  hosts: string;
  file: string;
  yaml?: string;
  python?: string;
}
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
      built.vars.set(host.name, resolveHostVars(playbook, given, inventory, host).values);
      work = { host, steps: [], handlers: [], verify: [], extraProbes: [], ctx: built.works[0]?.ctx ?? localContext(playbook.dir) };
      built.works.push(work);
    }
    return work;
  };
  const contextOf = (host: string): Record<string, unknown> => {
    const h = inventory.hosts.find((x) => x.name === host);
    return { ...(built.vars.get(host) ?? {}), ...inventoryContext(inventory, h) };
  };
  const readPath = (r: Read, host: string): string => String(renderDeep(r.file, contextOf(host)));
  for (const a of asserts) {
    for (const r of Object.values((a.params as unknown as AssertParams).read ?? {})) {
      for (const h of matchHosts(inventory, r.hosts)) workOf(h).extraProbes.push({ kind: "file", path: readPath(r, h.name) });
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
            const path = readPath(r, h.name);
            return [{ value: extract(plan.facts.file(path).content ?? "", r), where: `${h.name}:${path}` }];
          });
        }
        return [{ value: renderDeep(v, contextOf(evalHost)), where: "" }];
      };
      return params.that.flatMap((cond) => {
        const failures: string[] = [];
        for (const left of observe(cond.value)) {
          for (const right of observe(cond.than)) {
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

function extract(content: string, r: Read): unknown {
  if (r.yaml !== undefined) {
    let node: unknown = parse(content) as unknown;
    for (const k of r.yaml.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    return node;
  }
  if (r.python !== undefined) {
    const matches = [...content.matchAll(new RegExp(`^${r.python}\\s*=\\s*(.+?)\\s*(?:#.*)?$`, "gm"))];
    const raw = matches.at(-1)?.[1];
    return raw === undefined ? undefined : raw.replace(/^(['"])(.*)\1$/, "$2");
  }
  return content;
}

function comparable(v: unknown): number | string {
  if (typeof v === "number") return v;
  const s = typeof v === "string" ? v : JSON.stringify(v ?? null);
  return s.trim() !== "" && !Number.isNaN(Number(s)) ? Number(s) : s;
}

function fmt(o: Observed): string {
  return o.where ? `${JSON.stringify(o.value ?? null)} (${o.where})` : JSON.stringify(o.value);
}
