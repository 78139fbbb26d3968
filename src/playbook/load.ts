import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError, type Problem } from "../errors.js";
import { shippedPlaybooksDir } from "../paths.js";
import { checkAgainst, compile } from "../schema/check.js";
import { closest } from "../schema/closest.js";
import { controlProblem } from "../source/control-chars.js";
import { decodeUtf8, parseYamlText, type YamlSource } from "../source/yaml-file.js";
import { buildPlaybookSchema, STEP_COMMON_KEYS, stepTypeNames } from "./schema.js";
import { checkRegexps, checkVerifySteps } from "./check-steps.js";
import { checkTemplateSyntax } from "./check-templates.js";
import { checkTranslations } from "./translations.js";
import { checkVarSpecs } from "./var-specs.js";
import { isTemplate } from "./template.js";
import type { Play, Playbook, StepDef, VarSpec } from "./types.js";
import { resolvePlaybookRef } from "./resolve.js";
import { t } from "../i18n/t.js";

interface RawStep {
  name?: string;
  when?: string;
  notify?: string | string[];
  [type: string]: unknown;
}
interface RawPlaybook {
  name: string;
  description: string;
  description_zh?: string;
  vars?: Record<string, VarSpec>;
  plays: { name?: string; hosts: string; optional?: boolean; steps: RawStep[] }[];
  handlers?: Record<string, RawStep>;
  verify?: RawStep[];
}

/** Load, validate and model a playbook; every problem found is reported, located, in one InputError. */
export function loadPlaybook(ref: string): Playbook {
  const file = resolvePlaybookRef(ref);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === "ENOENT" && !ref.includes("/") ? t("playbook.noShippedHint", { ref }) : "";
    throw new InputError(`${t("playbook.cannotRead", { file, code: code ?? String(err) })}${hint}`, { cause: err });
  }
  const source = parseYamlText(file, decodeUtf8(file, bytes));
  const typeCheck = checkStepTypes(source);
  const schemaProblems = checkAgainst(compile(buildPlaybookSchema()), source.data, source).filter(
    (p) => !typeCheck.steps.some((s) => p.path === s || (p.path ?? "").startsWith(`${s}.`)) && !isTemplateValue(source.data, p.path),
  );
  const problems = [...typeCheck.problems, ...schemaProblems];
  if (problems.length > 0) throw new InputError(sortProblems(problems));
  const raw = source.data as RawPlaybook;
  const vars = raw.vars ?? {};
  const handlers = Object.entries(raw.handlers ?? {}).map(([name, step]) => toStep(step, ["handlers", name], source, name));
  const plays: Play[] = raw.plays.map((p, i) => ({
    name: p.name ?? p.hosts,
    hosts: p.hosts,
    optional: p.optional === true,
    hostsLocation: source.locate(["plays", i, "hosts"]),
    path: ["plays", i],
    steps: p.steps.map((s, j) => toStep(s, ["plays", i, "steps", j], source)),
  }));
  const verify = (raw.verify ?? []).map((s, i) => toStep(s, ["verify", i], source));
  const steps = [...plays.flatMap((p) => p.steps), ...handlers, ...verify];
  const more = [...checkTranslations(raw, source, resolve(dirname(file)) === shippedPlaybooksDir), ...checkVarSpecs(vars, source), ...checkDefaults(vars, source), ...checkRegexps(steps, vars, source), ...checkVerifySteps(verify, source), ...checkTemplateSyntax(vars, steps, source), ...checkNotify(plays, handlers, source)];
  if (more.length > 0) throw new InputError(sortProblems(more));
  return {
    name: raw.name,
    description: raw.description,
    ...(raw.description_zh === undefined ? {} : { descriptionZh: raw.description_zh }),
    file,
    dir: dirname(file),
    sha256: createHash("sha256").update(bytes).digest("hex"),
    vars,
    varLocations: Object.fromEntries(Object.keys(vars).map((name) => [name, source.locateKey(["vars", name])])),
    plays,
    handlers,
    verify,
  };
}

/** A templated value is checked once rendered, per host; its unrendered text cannot match a pattern or type. */
function isTemplateValue(data: unknown, path: string | undefined): boolean {
  let node = data;
  for (const seg of path?.split(".") ?? []) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
  return typeof node === "string" && isTemplate(node);
}

function toStep(raw: RawStep, path: (string | number)[], source: YamlSource, fallbackName?: string): StepDef {
  const type = Object.keys(raw).find((k) => !STEP_COMMON_KEYS.includes(k)) ?? "";
  const notify = raw.notify === undefined ? [] : Array.isArray(raw.notify) ? raw.notify : [raw.notify];
  const step: StepDef = {
    name: raw.name ?? fallbackName ?? type,
    type,
    params: (raw[type] ?? {}) as Record<string, unknown>,
    notify,
    path,
    location: source.locate(path),
  };
  if (raw.when !== undefined) step.when = raw.when;
  return step;
}

/** Step type problems in plain words; the schema's generic complaints about those steps are dropped. */
function checkStepTypes(source: YamlSource): { problems: Problem[]; steps: string[] } {
  const data = source.data as { plays?: unknown; handlers?: unknown; verify?: unknown } | null;
  if (typeof data !== "object" || data === null) return { problems: [], steps: [] };
  const known = stepTypeNames();
  const steps: { step: unknown; path: (string | number)[] }[] = [];
  if (Array.isArray(data.plays)) {
    data.plays.forEach((p: unknown, i) => {
      const list = (p as { steps?: unknown } | null)?.steps;
      if (Array.isArray(list)) list.forEach((step: unknown, j) => steps.push({ step, path: ["plays", i, "steps", j] }));
    });
  }
  if (Array.isArray(data.verify)) data.verify.forEach((step: unknown, i) => steps.push({ step, path: ["verify", i] }));
  if (typeof data.handlers === "object" && data.handlers !== null) {
    for (const [name, step] of Object.entries(data.handlers)) steps.push({ step, path: ["handlers", name] });
  }
  const problems: Problem[] = [];
  const flagged: string[] = [];
  for (const { step, path } of steps) {
    if (typeof step !== "object" || step === null || Array.isArray(step)) continue;
    const typeKeys = Object.keys(step).filter((k) => !STEP_COMMON_KEYS.includes(k));
    const unknown = typeKeys.filter((k) => !known.includes(k));
    for (const k of unknown) {
      const hint = closest(k, known);
      problems.push({ message: `${t("playbook.unknownStepType", { type: k })}${hint ? t("schema.didYouMean", { hint }) : t("playbook.known", { names: known.join(", ") })}`, location: source.locateKey([...path, k]), path: [...path, k].join(".") });
    }
    if (typeKeys.length === 0) problems.push({ message: t("playbook.noStepType", { names: known.join(", ") }), location: source.locate(path), path: path.join(".") });
    if (typeKeys.length > 1 && unknown.length === 0) problems.push({ message: t("playbook.twoStepTypes", { types: typeKeys.map((k) => `'${k}'`).join(" + ") }), location: source.locate(path), path: path.join(".") });
    if (unknown.length > 0 || typeKeys.length !== 1) flagged.push(path.join("."));
  }
  return { problems, steps: flagged };
}

function checkNotify(plays: Play[], handlers: StepDef[], source: YamlSource): Problem[] {
  const names = handlers.map((h) => h.name);
  return plays.flatMap((p) =>
    p.steps.flatMap((s) =>
      s.notify
        .filter((n) => !names.includes(n))
        .map((n) => {
          const hint = closest(n, names);
          return { message: `${t("playbook.noHandler", { name: n })}${hint ? t("schema.didYouMean", { hint }) : names.length > 0 ? t("playbook.handlers", { names: names.join(", ") }) : t("playbook.noHandlers")}`, location: source.locate([...s.path, "notify"]), path: [...s.path, "notify"].join(".") };
        }),
    ),
  );
}

/** A default is a value like any other: no control character (see control-chars.ts). */
function checkDefaults(vars: Record<string, VarSpec>, source: YamlSource): Problem[] {
  return Object.entries(vars).flatMap(([name, spec]) => {
    const path = ["vars", name, "default"];
    const p = "default" in spec ? controlProblem(spec.default, `default of '${name}'`, source.locate(path)) : undefined;
    return p ? [{ ...p, path: path.join(".") }] : [];
  });
}

/** Report in file order. */
function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
