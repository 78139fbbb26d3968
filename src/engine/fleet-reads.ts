import { matchHosts } from "../inventory/limit.js";
import type { Inventory } from "../inventory/types.js";
import { renderDeep } from "../playbook/template.js";
import type { Playbook } from "../playbook/types.js";
import type { GivenVar } from "../playbook/vars.js";
import { buildWork, readOnly } from "./build-work.js";
import { HostSession, type SessionOptions } from "./host-session.js";
import { mapPool } from "./pool.js";
import { extract, type Read } from "./read-value.js";
import { renderedVariants, type HostWork } from "./work.js";
import { t } from "../i18n/t.js";

const pathsOf = (r: Read, context: Record<string, unknown>): string[] => [r.file].flat().map((f) => String(renderDeep(f, context)));

/** The values read, or why the run is refused before any change. */
export interface FleetReads {
  values: Record<string, GivenVar>;
  refused: string[];
}

/**
 * Variables declared with `read:` and not given: read on their hosts (every host the pattern names, whatever
 * --limit says) in one round trip each, before any host is planned. Every host must hold the same value;
 * a host that cannot be read, a value missing or disagreeing refuses the run before any change.
 */
export async function readFleetVars(playbook: Playbook, inventory: Inventory, given: Record<string, GivenVar>, opts: SessionOptions & { forks: number }): Promise<FleetReads> {
  const reads = Object.entries(playbook.vars).flatMap(([name, spec]) => (spec.read && !(name in given) ? [{ name, read: spec.read }] : []));
  if (reads.length === 0) return { values: {}, refused: [] };
  const hosts = [...new Map(reads.flatMap((r) => matchHosts(inventory, r.read.hosts)).map((h) => [h.name, h])).values()];
  const problems: string[] = reads.filter((r) => matchHosts(inventory, r.read.hosts).length === 0).map((r) => t("reads.noHosts", { name: r.name, hosts: r.read.hosts }));
  if (problems.length > 0) return { values: {}, refused: problems };

  const sessions = await mapPool(hosts, opts.forks, async (host) => {
    const own = buildWork(playbook, inventory, [host], given).works[0];
    if (!own) throw new Error(`no work for ${host.name}`);
    const mine = reads.filter((r) => matchHosts(inventory, r.read.hosts).some((h) => h.name === host.name));
    const work: HostWork = { ...readOnly(own), extraProbes: mine.flatMap((r) => renderedVariants(own).flatMap((v) => pathsOf(r.read, v.context).map((path) => ({ kind: "file" as const, path })))) };
    const session = new HostSession(work, opts);
    try {
      if (await session.connect()) await session.probeAndPlan();
    } catch (err) {
      session.result.status = "failed";
      session.result.error = (err as Error).message;
    } finally {
      await session.close();
    }
    return session;
  });

  const out: Record<string, GivenVar> = {};
  for (const { name, read } of reads) {
    const seen = new Map<string, string[]>();
    for (const s of sessions.filter((x) => matchHosts(inventory, read.hosts).some((h) => h.name === x.name))) {
      if (!s.facts || s.result.status === "failed" || s.result.status === "unreachable") {
        problems.push(t("reads.cannotRead", { name, host: s.name, why: s.result.error ?? s.result.status }));
        continue;
      }
      const facts = s.facts;
      const found = pathsOf(read, s.work.context).flatMap((path) => {
        const v = extract(facts.file(path).content ?? "", read);
        return typeof v === "string" || typeof v === "number" ? (v === "" ? [] : [String(v)]) : [];
      });
      const value = found.at(-1);
      if (value === undefined) problems.push(t("reads.notSet", { host: s.name, files: pathsOf(read, s.work.context).join(", "), key: read.python ?? read.yaml ?? t("reads.theValue"), matching: read.match ? t("reads.matching", { re: read.match }) : "" }));
      else seen.set(value, [...(seen.get(value) ?? []), s.name]);
    }
    if (seen.size > 1) problems.push(t("reads.disagree", { name, values: [...seen].map(([v, h]) => t("reads.valueOn", { value: JSON.stringify(v), hosts: h.join(", ") })).join("; ") }));
    const [only] = [...seen];
    if (seen.size === 1 && only) out[name] = { value: only[0], origin: `'${name}' read on ${only[1].join(", ")}` };
  }
  return problems.length > 0 ? { values: {}, refused: problems } : { values: out, refused: [] };
}
