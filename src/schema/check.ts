import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options, ValidateFunction } from "ajv";
import { loadPrecompiled } from "./precompiled.js";
import type { Problem } from "../errors.js";
import type { YamlSource } from "../source/yaml-file.js";
import { closest } from "./closest.js";
import { currentLang } from "../i18n/lang.js";
import { t } from "../i18n/t.js";

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
    const described = describeError(e);
    const { message, keyPath, atKey } = e.propertyName === undefined ? described : { message: t("schema.key", { key: e.propertyName, message: described.message }), keyPath: e.propertyName, atKey: true };
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

export function describeError(e: ErrorObject): { message: string; keyPath?: string; atKey?: boolean } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { message: t("schema.required", { key: String(p.missingProperty) }) };
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const allowed = allowedKeys(e);
      const hint = closest(key, allowed);
      return {
        message: `${t("schema.unknownKey", { key })}${hint ? t("schema.didYouMean", { hint }) : allowed.length > 0 ? t("schema.allowed", { keys: allowed.join(", ") }) : ""}`,
        keyPath: key,
        atKey: true,
      };
    }
    case "type":
      return { message: t("schema.type", { type: article(String(p.type)) }) };
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return { message: t("schema.enum", { values: allowed.join(", ") }) };
    }
    case "const":
      return { message: t("schema.const", { value: JSON.stringify(p.allowedValue) }) };
    case "pattern":
      return { message: t("schema.pattern", { pattern: String(p.pattern) }) };
    case "format":
      return { message: t("schema.format", { format: String(p.format) }) };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { message: t("schema.compare", { comparison: String(p.comparison), limit: String(p.limit) }) };
    case "minLength":
      return { message: t("schema.minLength", { limit: String(p.limit) }) };
    case "maxLength":
      return { message: t("schema.maxLength", { limit: String(p.limit) }) };
    case "minItems":
      return { message: t("schema.minItems", { limit: String(p.limit) }) };
    case "maxItems":
      return { message: t("schema.maxItems", { limit: String(p.limit) }) };
    case "minProperties":
      return { message: t("schema.minProperties", { limit: String(p.limit) }) };
    case "maxProperties":
      return { message: t("schema.maxProperties", { limit: String(p.limit) }) };
    case "uniqueItems":
      return { message: t("schema.uniqueItems", { j: String(p.j), i: String(p.i) }) };
    case "propertyNames":
      return { message: t("schema.propertyName", { key: String(p.propertyName) }) };
    case "oneOf":
    case "anyOf":
      return { message: t("schema.noForm") };
    case "errorMessage":
      return { message: e.message ?? t("schema.invalid") };
    default:
      return { message: e.message ?? t("schema.fails", { keyword: e.keyword }) };
  }
}

/** A value's problem as ajv words it (in English, as it always has been), else in the run's language. */
export const valueProblem = (e: ErrorObject): string => (currentLang() === "en" && e.message !== undefined ? e.message : describeError(e).message);

function allowedKeys(e: ErrorObject): string[] {
  const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {});
}

function article(type: string): string {
  const words = type.split(",").map((w) => t(w === "object" ? "schema.aMapping" : w === "array" ? "schema.aList" : /^[aeiou]/.test(w) ? "schema.an" : "schema.a", { type: w }));
  return words.join(t("schema.or"));
}
