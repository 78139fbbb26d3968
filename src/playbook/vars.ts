import { InputError, type Problem, type SourceLocation } from "../errors.js";
import type { Host, Inventory } from "../inventory/types.js";
import { compile } from "../schema/check.js";
import { closest } from "../schema/closest.js";
import { readYamlFile } from "../source/yaml-file.js";
import { coerce } from "./coerce.js";
import { inventoryContext } from "./context.js";
import { renderDeep, TemplateError } from "./template.js";
import type { Playbook, VarSpec } from "./types.js";
import { schemaOf } from "./var-specs.js";

/** A value given on the command line or in a vars file. */
export interface GivenVar {
  value: unknown;
  origin: string;
  location?: SourceLocation;
}

/**
 * `-e` values in order, later ones winning, as Ansible reads them: `name=value` (a string until coerced to the
 * declared type), `@vars.yaml` (a YAML mapping) or a JSON object (`{"name": value}`, typed as written).
 */
export function parseExtraVars(pairs: readonly string[]): Record<string, GivenVar> {
  const out: Record<string, GivenVar> = {};
  for (const pair of pairs) {
    if (pair.startsWith("@")) Object.assign(out, readVarsFile(pair.slice(1), `-e ${pair}`));
    else if (pair.trimStart().startsWith("{")) Object.assign(out, jsonVars(pair));
    else {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new InputError(`-e expects name=value, @file.yaml or a JSON object, got '${pair}'`);
      const name = pair.slice(0, eq);
      out[name] = { value: pair.slice(eq + 1), origin: `-e ${name}` };
    }
  }
  return out;
}

function jsonVars(text: string): Record<string, GivenVar> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`-e: not valid JSON (${(err as Error).message}): ${text}`, { cause: err });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError(`-e: a JSON value must be an object of name: value, got ${text}`);
  return Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([name, value]) => [name, { value, origin: `-e JSON ${name}` }]));
}

export function readVarsFile(file: string, how = "vars file"): Record<string, GivenVar> {
  const source = readYamlFile(file);
  const data = source.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InputError({ message: "a vars file must be a mapping of name: value", location: source.locate([]) });
  }
  return Object.fromEntries(
    Object.entries(data as Record<string, unknown>).map(([name, value]) => [name, { value, origin: `${how} ${name}`, location: source.locateKey([name]) }]),
  );
}

/** Refuse values for variables the playbook does not declare (typos would otherwise be ignored). */
export function checkGivenNames(playbook: Playbook, given: Record<string, GivenVar>): Problem[] {
  const declared = Object.keys(playbook.vars);
  return Object.entries(given)
    .filter(([name]) => !(name in playbook.vars))
    .map(([name, g]) => {
      const hint = closest(name, declared);
      const problem: Problem = { message: `${g.origin}: '${name}' is not a variable of ${playbook.name}${hint ? ` — did you mean '${hint}'?` : declared.length > 0 ? ` (variables: ${declared.join(", ")})` : ""}` };
      if (g.location) problem.location = g.location;
      return problem;
    });
}

/** Stands for a value read from hosts before the run (`read:`) while templates are checked; a valid host name. */
export const READ_PENDING = "read.pending.invalid";

/**
 * The variables one host sees. Precedence: -e > vars file > inventory (host > group > top level) > the
 * playbook's default (a template over other variables and the inventory). Values are coerced to their
 * declared type and validated against their schema; problems are returned, not thrown, so all are shown.
 */
export function resolveHostVars(
  playbook: Playbook,
  given: Record<string, GivenVar>,
  inventory: Inventory,
  host: Host | undefined,
  /** More of what templates see (the host's `bk` view). */
  extra: Record<string, unknown> = {},
): { values: Record<string, unknown>; problems: Problem[] } {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = { ...(host?.vars ?? {}) };
  const context: Record<string, unknown> = { ...inventoryContext(inventory, host), ...extra };
  const resolving: string[] = [];
  /** Invalid variables and the defaults computed from them (whose own problems would only echo the first). */
  const invalid = new Set<string>();
  const resolved = new Map<string, unknown>();
  const who = host ? `host ${host.name}: ` : "";

  const resolve = (name: string, spec: VarSpec): unknown => {
    if (resolved.has(name)) return resolved.get(name);
    if (resolving.includes(name)) {
      throw new TemplateError(`variable defaults form a cycle: ${[...resolving.slice(resolving.indexOf(name)), name].join(" → ")}`);
    }
    resolving.push(name);
    try {
      const g = given[name];
      const declared = playbook.varLocations[name];
      let value: unknown;
      let origin: string;
      let at = g?.location;
      if (g) [value, origin] = [g.value, g.origin];
      else if (host && name in host.vars) [value, origin] = [host.vars[name], `inventory var '${name}' of ${host.name}`];
      else if (spec.read !== undefined) [value, origin] = [READ_PENDING, `read:`];
      else if ("default" in spec) [value, origin, at] = [renderDeep(spec.default, context), `default of '${name}'`, declared];
      else {
        invalid.add(name);
        problems.push({ message: `${who}missing required variable '${name}'${spec.description ? ` (${spec.description})` : ""}; pass -e ${name}=…`, ...(declared ? { location: declared } : {}) });
        value = undefined;
        origin = "";
      }
      value = value === READ_PENDING ? value : coerce(spec, value);
      if (value !== undefined && value !== READ_PENDING) {
        const validate = compile(schemaOf(spec));
        if (!validate(value) && !invalid.has(name)) {
          invalid.add(name);
          const shown = spec.secret ? "••••" : JSON.stringify(value);
          const p: Problem = { message: `${who}${origin}: ${shown} ${validate.errors?.map((e) => e.message).join(", ") ?? "is invalid"}` };
          if (at) p.location = at;
          problems.push(p);
        }
      }
      resolved.set(name, value);
      return value;
    } finally {
      resolving.pop();
    }
  };

  for (const [name, spec] of Object.entries(playbook.vars)) {
    const get = (): unknown => {
      const value = resolve(name, spec);
      if (invalid.has(name)) resolving.forEach((n) => invalid.add(n));
      return value;
    };
    Object.defineProperty(context, name, { enumerable: true, configurable: true, get });
  }
  for (const [name, value] of Object.entries(values)) if (!(name in playbook.vars)) context[name] = value;
  for (const [name, spec] of Object.entries(playbook.vars)) {
    try {
      values[name] = resolve(name, spec);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const declared = playbook.varLocations[name];
      problems.push({ message: `${who}default of '${name}': ${err.message}`, ...(declared ? { location: declared } : {}) });
    }
  }
  return { values, problems: dedupe(problems) };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && Boolean(seen.add(p.message)));
}

/** Values of variables declared `secret: true` (to be masked everywhere). */
export function secretValues(playbook: Playbook, values: Record<string, unknown>): string[] {
  return Object.entries(playbook.vars)
    .filter(([name, spec]) => spec.secret === true && values[name] !== undefined && values[name] !== null)
    .map(([name]) => (typeof values[name] === "string" ? values[name] : JSON.stringify(values[name])));
}
