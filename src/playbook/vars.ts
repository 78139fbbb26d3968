import { readFileSync } from "node:fs";
import { InputError, type Problem, type SourceLocation } from "../errors.js";
import type { Host, Inventory } from "../inventory/types.js";
import { compile } from "../schema/check.js";
import { closest } from "../schema/closest.js";
import { unmaskable } from "../report/redact.js";
import { findControl } from "../source/control-chars.js";
import { decodeUtf8, parseYamlText, readYamlFile, type YamlSource } from "../source/yaml-file.js";
import { coerce } from "./coerce.js";
import { inventoryContext } from "./context.js";
import { renderDeep, TemplateError } from "./template.js";
import type { Playbook, VarSpec } from "./types.js";
import { schemaOf } from "./var-specs.js";
import { t } from "../i18n/t.js";
import { localDescription } from "./translations.js";
import { valueProblem } from "../schema/check.js";

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
      if (eq <= 0) throw new InputError(t("vars.badPair", { pair }));
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
    throw new InputError(t("vars.badJson", { reason: (err as Error).message, text }), { cause: err });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError(t("vars.jsonNotObject", { text }));
  return Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([name, value]) => [name, { value, origin: `-e JSON ${name}` }]));
}

/** How a vars file read from standard input (`--vars-file -`) is named in messages. */
export const STDIN_NAME = "(stdin)";

/** A YAML mapping of name: value; `-` reads it from standard input (so a secret never reaches argv). */
export function readVarsFile(file: string, how = "vars file"): Record<string, GivenVar> {
  const source = file === "-" ? readStdinYaml() : readYamlFile(file);
  const data = source.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InputError({ message: t("vars.fileNotMapping"), location: source.locate([]) });
  }
  return Object.fromEntries(
    Object.entries(data as Record<string, unknown>).map(([name, value]) => [name, { value, origin: `${how} ${name}`, location: source.locateKey([name]) }]),
  );
}

function readStdinYaml(): YamlSource {
  let buf: Buffer;
  try {
    buf = readFileSync(0);
  } catch (err) {
    throw new InputError(t("vars.stdin", { code: (err as NodeJS.ErrnoException).code ?? String(err) }), { cause: err });
  }
  return parseYamlText(STDIN_NAME, decodeUtf8(STDIN_NAME, buf));
}

/** The environment variable a variable may be given in. */
export const envName = (name: string): string => `BKPLAY_VAR_${name}`;

/**
 * The declared variables set in the environment as `BKPLAY_VAR_<name>` (a string, coerced like `-e name=value`).
 * Others are left alone (a shell may hold them for other playbooks), but one that looks like a typo of a declared
 * name is returned as a warning.
 */
export function envVars(playbook: Playbook, env: NodeJS.ProcessEnv = process.env): { given: Record<string, GivenVar>; warnings: string[] } {
  const given: Record<string, GivenVar> = {};
  const warnings: string[] = [];
  const declared = Object.keys(playbook.vars);
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("BKPLAY_VAR_") || value === undefined) continue;
    const name = key.slice("BKPLAY_VAR_".length);
    if (name in playbook.vars) given[name] = { value, origin: key };
    else {
      const hint = closest(name, declared);
      if (hint !== undefined && !(envName(hint) in env)) warnings.push(t("vars.envTypo", { key, env: envName(hint), playbook: playbook.name, name }));
    }
  }
  return { given, warnings };
}

/** Where a secret is given without putting it on the command line (which `ps` and the shell's history show). */
export function howToGiveSecret(name: string): string {
  return t("vars.howToGiveSecret", { env: envName(name) });
}

/** Refuse values for variables the playbook does not declare (typos would otherwise be ignored). */
export function checkGivenNames(playbook: Playbook, given: Record<string, GivenVar>): Problem[] {
  const declared = Object.keys(playbook.vars);
  return Object.entries(given)
    .filter(([name]) => !(name in playbook.vars))
    .map(([name, g]) => {
      const hint = closest(name, declared);
      const problem: Problem = { message: `${t("vars.unknown", { origin: g.origin, name, playbook: playbook.name })}${hint ? t("schema.didYouMean", { hint }) : declared.length > 0 ? t("vars.declared", { names: declared.join(", ") }) : ""}` };
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
  const who = host ? t("vars.host", { host: host.name }) : "";

  const resolve = (name: string, spec: VarSpec): unknown => {
    if (resolved.has(name)) return resolved.get(name);
    if (resolving.includes(name)) {
      throw new TemplateError(t("vars.cycle", { path: [...resolving.slice(resolving.indexOf(name)), name].join(" → ") }));
    }
    resolving.push(name);
    try {
      const g = given[name];
      const declared = playbook.varLocations[name];
      let value: unknown;
      let origin: string;
      let at = g?.location;
      if (g) [value, origin] = [g.value, g.origin];
      else if (host && name in host.vars) [value, origin] = [host.vars[name], t("vars.inventoryVar", { name, host: host.name })];
      else if (spec.read !== undefined) [value, origin] = [READ_PENDING, `read:`];
      else if ("default" in spec) [value, origin, at] = [renderDeep(spec.default, context), `default of '${name}'`, declared];
      else {
        invalid.add(name);
        const description = localDescription(spec.description, spec.description_zh);
        const what = description ? ` (${description})` : "";
        const message = who + t(spec.secret === true ? "vars.missingSecret" : "vars.missing", { name, what, how: howToGiveSecret(name), env: envName(name) });
        problems.push({ message, ...(declared ? { location: declared } : {}) });
        value = undefined;
        origin = "";
      }
      value = value === READ_PENDING ? value : coerce(spec, value);
      if (value !== undefined && value !== READ_PENDING) {
        const validate = compile(schemaOf(spec));
        if (!validate(value) && !invalid.has(name)) {
          invalid.add(name);
          const shown = spec.secret ? "••••" : JSON.stringify(value);
          const again = spec.secret === true ? t("vars.giveAgain", { how: howToGiveSecret(name) }) : "";
          // An error inside a list names the item: `item 1 "10.0.0.6:99999" must match …`.
          const item = (path: string): string => (path === "" || spec.secret === true ? "" : t("vars.item", { index: path.slice(1).replaceAll("/", "."), value: JSON.stringify(path.slice(1).split("/").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value)) }));
          const p: Problem = { message: `${who}${origin}: ${shown} ${validate.errors?.map((e) => `${item(e.instancePath)}${valueProblem(e)}`).join(", ") ?? t("schema.invalid")}${again}` };
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
      problems.push({ message: `${who}${t("vars.defaultOf", { name })}: ${err.message}`, ...(declared ? { location: declared } : {}) });
    }
  }
  return { values, problems: dedupe(problems) };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && Boolean(seen.add(p.message)));
}

/** A value as masking sees it. */
const asText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * Secret values given (by -e, a vars file, the environment, the terminal) or set in the inventory that masking could
 * not tell from other text (see report/redact.ts): each is bad input, naming where it came from, never its value.
 */
export function unmaskableSecrets(playbook: Playbook, playbookText: string, inventory: Inventory, hosts: readonly Host[], given: Record<string, GivenVar>): Problem[] {
  const secret = (name: string): boolean => playbook.vars[name]?.secret === true;
  const names = [...inventory.hosts.flatMap((h) => [h.name, h.address]), ...Object.keys(inventory.groups)];
  const values: Record<string, string> = {};
  for (const [name, g] of Object.entries(given)) if (!secret(name) && g.value !== undefined && g.value !== null) values[name] = asText(g.value);
  for (const h of hosts) for (const [name, v] of Object.entries(h.vars)) if (!secret(name) && !(name in values) && v !== undefined && v !== null) values[name] = asText(v);
  const problems: Problem[] = [];
  const check = (name: string, value: unknown, origin: string, location?: SourceLocation): void => {
    if (value === undefined || value === null || findControl(value)) return;
    const why = unmaskable(asText(value), { playbook: playbookText, inventory: names, values });
    if (why !== null) problems.push({ message: t("vars.unmaskable", { origin, name, why }), ...(location ? { location } : {}) });
  };
  for (const name of Object.keys(playbook.vars).filter(secret)) {
    const g = given[name];
    if (g) check(name, g.value, g.origin, g.location);
    else for (const h of hosts) if (name in h.vars) check(name, h.vars[name], t("vars.inventoryVar", { name, host: h.name }), h.source);
  }
  return dedupe(problems);
}

/** Values of variables declared `secret: true` (to be masked everywhere). */
export function secretValues(playbook: Playbook, values: Record<string, unknown>): string[] {
  return Object.entries(playbook.vars)
    .filter(([name, spec]) => spec.secret === true && values[name] !== undefined && values[name] !== null)
    .map(([name]) => asText(values[name]));
}
