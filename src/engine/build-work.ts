import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { formatProblem, InputError, type Problem } from "../errors.js";
import { bkView, hostMarkers, nodeView, pinnedGeneration, templateBk } from "../generations/host-layout.js";
import { GENERATIONS, type Generation } from "../generations/layouts.js";
import { matchHosts } from "../inventory/limit.js";
import type { Host, Inventory } from "../inventory/types.js";
import { regexpError } from "../playbook/check-steps.js";
import { inventoryContext } from "../playbook/context.js";
import { renderDeep, renderParams, TemplateError } from "../playbook/template.js";
import type { Playbook, StepDef } from "../playbook/types.js";
import { resolveHostVars, secretValues, type GivenVar } from "../playbook/vars.js";
import { compile } from "../schema/check.js";
import { closest } from "../schema/closest.js";
import { stepTypes } from "../steps/index.js";
import type { StepContext } from "../steps/types.js";
import { resolveLocal } from "../steps/upload.js";
import { archiveSourceProblem } from "./local-source.js";
import { notApplicable } from "./not-applicable.js";
import { packLocal } from "./pack-local.js";
import { addSourceReads, remoteFilesOf, renderForHost } from "./remote-files.js";
import type { HostWork, RenderedStep, Variant } from "./work.js";
import { t } from "../i18n/t.js";

export interface BuiltWork {
  works: HostWork[];
  /** Values that must never be shown. */
  secrets: string[];
  /** Per host resolved variables (for assert evaluation and reports). */
  vars: Map<string, Record<string, unknown>>;
}

/**
 * Render every step of every selected host and validate the rendered parameters, before any host is
 * contacted: a bad value is bad input (exit 2), never a half-applied run.
 */
export function buildWork(playbook: Playbook, inventory: Inventory, hosts: readonly Host[], given: Record<string, GivenVar>): BuiltWork {
  const problems: Problem[] = [];
  const secrets = new Set<string>();
  const vars = new Map<string, Record<string, unknown>>();
  const base = localContext(playbook.dir);
  const works: HostWork[] = [];
  const members = new Map(playbook.plays.map((p) => [p, new Set(matchHosts(inventory, p.hosts).map((h) => h.name))]));
  const needs = needsGeneration(playbook);
  const names = inventory.hosts.map((h) => h.name);
  const build = (host: Host): HostWork | undefined => {
    const pinned = pinnedGeneration(host);
    if (host.vars.bk_generation !== undefined && pinned === undefined) {
      problems.push({ message: t("engine.badGeneration", { host: host.name, value: JSON.stringify(host.vars.bk_generation), known: GENERATIONS.join(", ") }) });
      return undefined;
    }
    const generations: (Generation | null)[] = pinned ? [pinned] : needs ? [...GENERATIONS] : [null];
    const variants: (Variant & { values: Record<string, unknown> })[] = [];
    const inapplicable = new Set<Variant>();
    for (const g of generations) {
      const extra = g === null ? {} : { bk: templateBk(host, g) };
      const { values, problems: varProblems } = resolveHostVars(playbook, given, inventory, host, extra);
      const variant = { generation: g, steps: [], handlers: [], verify: [], ctx: g === null ? base : stepContext(base, host, g), problems: varProblems, values, context: {} };
      const rendered = varProblems.length > 0 ? variant : { ...variant, ...renderVariant(playbook, host, members, names, { ...values, ...inventoryContext(inventory, host), ...extra }) };
      // A generation the playbook does not apply to is one problem saying so, not the template errors it caused.
      const none = notApplicable(g, playbook.name, rendered.problems);
      const final = none ? { ...rendered, problems: [{ ...none, message: `host ${host.name}: ${none.message}` }] } : rendered;
      if (none) inapplicable.add(final);
      variants.push(final);
    }
    const usable = variants.filter((v) => v.problems.length === 0);
    const first = usable[0];
    if (!first) {
      // Wrong on every generation this host could be: bad input, before any host is contacted. A generation the
      // playbook does not apply to is named only when it is the host's only one.
      const applicable = variants.filter((v) => !inapplicable.has(v));
      const seen = new Set<string>();
      problems.push(...(applicable.length > 0 ? applicable : variants).flatMap((v) => v.problems).filter((p) => !seen.has(formatProblem(p)) && Boolean(seen.add(formatProblem(p)))));
      return undefined;
    }
    for (const v of usable) secretValues(playbook, v.values).forEach((x) => secrets.add(x));
    vars.set(host.name, first.values);
    const { problems: _deferred, values: _values, ...chosen } = first;
    const work: HostWork = { host, ...chosen, extraProbes: [] };
    if (variants.length > 1) work.candidates = { markers: hostMarkers(host), variants: variants.map(({ values: _v, ...v }) => v) };
    return work;
  };
  for (const host of hosts) {
    const work = build(host);
    if (work) works.push(work);
  }
  // A host whose files steps take is read in its own probe round trip; one outside the selection is only read.
  const workOf = (name: string): HostWork | undefined => {
    const own = works.find((w) => w.host.name === name);
    const host = inventory.hosts.find((h) => h.name === name);
    const added = own ?? (host && build(host));
    if (added && !own) works.push(readOnly(added));
    return works.find((w) => w.host.name === name);
  };
  if (problems.length === 0) problems.push(...addSourceReads(works, workOf));
  if (problems.length > 0) throw new InputError(dedupeByHost(problems));
  return { works, secrets: [...secrets], vars };
}

/** What a step sees of the host's generation: the node-side paths, and the PaaS tree where it has one. */
function stepContext(base: StepContext, host: Host, g: Generation): StepContext {
  const bk = bkView(host, g);
  return { ...base, node: nodeView(host, g), ...(bk ? { bk } : {}) };
}

/** A host's work that only reads (for other hosts' steps or conditions): none of its steps run. */
export function readOnly(work: HostWork): HostWork {
  const none = { steps: [], handlers: [], verify: [] };
  return { ...work, ...none, ...(work.candidates ? { candidates: { ...work.candidates, variants: work.candidates.variants.map((v) => ({ ...v, ...none })) } } : {}) };
}

/** A playbook depends on the generation when a step type reads it or a template names `bk.`. */
function needsGeneration(playbook: Playbook): boolean {
  const defs = [...playbook.plays.flatMap((p) => p.steps), ...playbook.handlers, ...playbook.verify];
  if (defs.some((d) => stepTypes.get(d.type)?.needsGeneration === true)) return true;
  return /\{\{[^}]*(?<![\w.])bk\./.test(JSON.stringify([defs.map((d) => [d.params, d.when]), Object.values(playbook.vars).map((v) => [v.default, v.read])]));
}

/** Render one host's steps, handlers and checks in one template context; problems are returned. */
function renderVariant(playbook: Playbook, host: Host, members: Map<Playbook["plays"][number], Set<string>>, hostNames: readonly string[], context: Record<string, unknown>): Pick<Variant, "steps" | "handlers" | "verify" | "problems" | "context"> {
  const problems: Problem[] = [];
  const render = (def: StepDef): RenderedStep[] => {
    if (def.type === "assert") return [];
    const type = stepTypes.get(def.type);
    if (!type) return [];
    try {
      if (def.when !== undefined && isFalsy(renderDeep(def.when, context, [...def.path, "when"]))) return [];
      const params = renderForHost(type, def.params, (p) => renderParams(p, context, [...def.path, def.type], type.literalParams));
      const validate = compile(type.schema);
      if (!validate(params)) {
        problems.push({ message: `host ${host.name}: rendered ${def.type} parameters: ${validate.errors?.map((e) => `${e.instancePath.slice(1) || "params"} ${e.message ?? ""}`).join(", ") ?? "invalid"}`, location: def.location, path: def.path.join(".") });
        return [];
      }
      const badRegexps = (type.regexps?.(params) ?? []).flatMap(({ param, source, flags }) => {
        const why = regexpError(source, flags);
        return why === null ? [] : [{ message: `host ${host.name}: rendered ${param}: ${why}`, location: def.location, path: [...def.path, def.type, param].join(".") }];
      });
      const badSources = (type.archiveSources?.(params) ?? []).flatMap(({ param, src }) => {
        const why = archiveSourceProblem(resolveLocal(src, { playbookDir: playbook.dir }));
        return why === null ? [] : [{ message: `host ${host.name}: ${def.type} ${param} ${JSON.stringify(src)}: ${why}`, location: def.location, path: [...def.path, def.type, param].join(".") }];
      });
      const badHosts = remoteFilesOf({ type, params }).flatMap(({ param, host: name }) => {
        if (hostNames.includes(name)) return [];
        const hint = closest(name, hostNames);
        return [{ message: `host ${host.name}: ${def.type} ${param}.host '${name}' is not a host of the inventory${hint ? ` — did you mean '${hint}'?` : ""}`, location: def.location, path: [...def.path, def.type, param, "host"].join(".") }];
      });
      if (badRegexps.length > 0 || badSources.length > 0 || badHosts.length > 0) {
        problems.push(...badRegexps, ...badSources, ...badHosts);
        return [];
      }
      return [{ def, type, params }];
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.push({ message: `host ${host.name}: ${err.message}`, location: def.location, path: err.path.join(".") });
      return [];
    }
  };
  const steps = playbook.plays.filter((p) => members.get(p)?.has(host.name)).flatMap((p) => p.steps.flatMap(render));
  return { steps, handlers: playbook.handlers.flatMap(render), verify: playbook.verify.flatMap(render), problems, context };
}

function isFalsy(v: unknown): boolean {
  return v === null || v === undefined || v === false || v === 0 || (typeof v === "string" && /^(|false|0|null|no)$/i.test(v.trim()));
}

/** The same problem on 50 hosts is one line naming the hosts. */
function dedupeByHost(problems: Problem[]): Problem[] {
  const groups = new Map<string, { p: Problem; hosts: string[] }>();
  for (const p of problems) {
    const m = /^host (\S+): (.*)$/s.exec(p.message);
    const key = `${p.location?.line ?? ""}:${p.location?.col ?? ""}:${m?.[2] ?? p.message}`;
    const g = groups.get(key);
    if (g) g.hosts.push(m?.[1] ?? "");
    else groups.set(key, { p: m ? { ...p, message: m[2] ?? "" } : p, hosts: m ? [m[1] ?? ""] : [] });
  }
  return [...groups.values()].map(({ p, hosts }) => (hosts.length > 0 ? { ...p, message: `${p.message} (host${hosts.length > 1 ? "s" : ""} ${hosts.slice(0, 5).join(", ")}${hosts.length > 5 ? ` and ${hosts.length - 5} more` : ""})` } : p));
}

/** Local files for uploads: resolved against the playbook's directory; hashed once. */
export function localContext(playbookDir: string): StepContext & { readLocal: (path: string) => Buffer } {
  const cache = new Map<string, Buffer>();
  const read = (path: string): Buffer => {
    const full = resolve(playbookDir, path);
    let data = cache.get(full);
    if (!data) {
      try {
        data = statSync(full).isDirectory() ? packLocal(full) : readFileSync(full);
      } catch (err) {
        throw new InputError(t("engine.cannotReadLocal", { file: full, code: (err as NodeJS.ErrnoException).code ?? String(err) }), { cause: err });
      }
      cache.set(full, data);
    }
    return data;
  };
  return {
    playbookDir,
    localSha256: (path) => createHash("sha256").update(read(path)).digest("hex"),
    readLocal: read,
  };
}
