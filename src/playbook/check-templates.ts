import type { Problem } from "../errors.js";
import type { YamlSource } from "../source/yaml-file.js";
import { compileTemplate, isTemplate, TemplateError } from "./template.js";
import type { StepDef, VarSpec } from "./types.js";

/** Template syntax does not depend on any host: check every template once, at load, so `validate` alone finds it. */
export function checkTemplateSyntax(vars: Record<string, VarSpec>, steps: readonly StepDef[], source: YamlSource): Problem[] {
  const roots: { value: unknown; path: (string | number)[] }[] = [
    ...Object.entries(vars).map(([name, spec]) => ({ value: spec.default, path: ["vars", name, "default"] })),
    ...steps.flatMap((s) => [
      { value: s.when, path: [...s.path, "when"] },
      { value: s.params, path: [...s.path, s.type] },
    ]),
  ];
  return roots.flatMap(({ value, path }) => templatesIn(value, path)).flatMap(({ text, path }) => {
    try {
      compileTemplate(text);
      return [];
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return [{ message: err.message, location: source.locate(path), path: path.join(".") }];
    }
  });
}

function templatesIn(value: unknown, path: (string | number)[]): { text: string; path: (string | number)[] }[] {
  if (typeof value === "string") return isTemplate(value) ? [{ text: value, path }] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => templatesIn(v, [...path, Array.isArray(value) ? Number(k) : k]));
}
