import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options, ValidateFunction } from "ajv";
import { loadPrecompiled } from "./precompiled.js";
import type { Problem } from "../errors.js";
import type { YamlSource } from "../source/yaml-file.js";
import { closest } from "./closest.js";

// Ajv's compiler is loaded only when a schema was not compiled at build time: loading it costs ~40 ms.
const load = createRequire(import.meta.url);

let shared: Ajv | undefined;

/** Ajv as bkplay uses it; `source` keeps the generated code, to write it out at build time. */
export function makeAjv(source = false): Ajv {
  const { Ajv: AjvClass, _ } = load("ajv") as typeof import("ajv");
  // ajv-formats is CommonJS with a default export.
  const addFormats = load("ajv-formats") as (ajv: Ajv) => Ajv;
  const code: Options["code"] = source ? { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } : {};
  // inlineRefs 20: small definitions are inlined, the step definition the playbook schema uses in three places is
  // one function (its validator is 145 kB instead of 390 kB, and loads and first runs in half the time).
  const instance = new AjvClass({ allErrors: true, inlineRefs: 20, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, useDefaults: false, code });
  addFormats(instance);
  instance.addKeyword({ keyword: "secret", schemaType: "boolean" });
  return instance;
}

/** One Ajv for the process: schemas compile once. `secret` is our annotation keyword on variables. */
export function ajv(): Ajv {
  shared ??= makeAjv();
  return shared;
}

const compiled = new Map<object, ValidateFunction>();

export function compile(schema: Record<string, unknown>): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    // A schema with an $id (the playbook schema, rebuilt per load) compiles once: Ajv refuses a second $id.
    const id = typeof schema.$id === "string" ? schema.$id : undefined;
    // The big schemas and the shipped playbooks' variables were compiled at build time (npm run build).
    fn = loadPrecompiled(schema) ?? (id === undefined ? undefined : ajv().getSchema(id)) ?? ajv().compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Validate `data` (found at `base` inside `source`) and translate every ajv error into a located problem. */
export function checkAgainst(
  validate: ValidateFunction,
  data: unknown,
  source: YamlSource,
  base: readonly (string | number)[] = [],
): Problem[] {
  if (validate(data)) return [];
  return translate(validate.errors ?? [], source, base);
}

export function translate(errors: ErrorObject[], source: YamlSource, base: readonly (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const suggested = new Set(errors.flatMap((e) => (e.keyword === "additionalProperties" ? [`${e.instancePath}/${closest(String(e.params.additionalProperty), allowedKeys(e)) ?? ""}`] : [])));
  const kept = pruneAlternatives(errors).filter(
    (e) => !(e.keyword === "required" && suggested.has(`${e.instancePath}/${String(e.params.missingProperty)}`)) && !(e.keyword === "propertyNames" && errors.some((o) => o.propertyName !== undefined)),
  );
  for (const e of kept) {
    const rel = e.instancePath.split("/").slice(1).map(unescapePointer);
    const path = [...base, ...rel];
    const described = describe(e);
    const { message, keyPath, atKey } = e.propertyName === undefined ? described : { message: `key '${e.propertyName}' ${described.message}`, keyPath: e.propertyName, atKey: true };
    const full = keyPath === undefined ? path : [...path, keyPath];
    const location = atKey ? source.locateKey(full) : source.locate(full);
    const problem: Problem = { message, location };
    if (full.length > 0) problem.path = full.join(".");
    const id = `${location.line}:${location.col}:${message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * `oneOf`/`anyOf` produce one error per failed branch plus the umbrella error. When a branch was
 * selected by its discriminating key (the step type), keep only that branch's errors.
 */
function pruneAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const umbrellas = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  if (umbrellas.length === 0) return errors;
  const rest = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
  return rest.length > 0 ? rest : umbrellas;
}

function describe(e: ErrorObject): { message: string; keyPath?: string; atKey?: boolean } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { message: `missing required '${String(p.missingProperty)}'` };
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const allowed = allowedKeys(e);
      const hint = closest(key, allowed);
      return {
        message: `unknown key '${key}'${hint ? ` — did you mean '${hint}'?` : allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : ""}`,
        keyPath: key,
        atKey: true,
      };
    }
    case "type":
      return { message: `must be ${article(String(p.type))}` };
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return { message: `must be one of ${allowed.join(", ")}` };
    }
    case "const":
      return { message: `must be ${JSON.stringify(p.allowedValue)}` };
    case "pattern":
      return { message: `does not match the pattern ${String(p.pattern)}` };
    case "format":
      return { message: `is not a valid ${String(p.format)}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case "minLength":
      return { message: `must be at least ${String(p.limit)} characters long` };
    case "maxLength":
      return { message: `must be at most ${String(p.limit)} characters long` };
    case "minItems":
      return { message: `must have at least ${String(p.limit)} items` };
    case "maxItems":
      return { message: `must have at most ${String(p.limit)} items` };
    case "minProperties":
      return { message: `must have at least ${String(p.limit)} entries` };
    case "maxProperties":
      return { message: `must have at most ${String(p.limit)} entries` };
    case "uniqueItems":
      return { message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)` };
    case "propertyNames":
      return { message: `has an invalid key '${String(p.propertyName)}'` };
    case "oneOf":
    case "anyOf":
      return { message: "does not match any allowed form" };
    case "errorMessage":
      return { message: e.message ?? "is invalid" };
    default:
      return { message: e.message ?? `fails '${e.keyword}'` };
  }
}

function allowedKeys(e: ErrorObject): string[] {
  const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {});
}

function article(type: string): string {
  const words = type.split(",").map((t) => (t === "object" ? "a mapping" : t === "array" ? "a list" : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return words.join(" or ");
}
