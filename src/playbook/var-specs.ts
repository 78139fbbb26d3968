import type { Problem } from "../errors.js";
import { compile, valueProblem } from "../schema/check.js";
import type { YamlSource } from "../source/yaml-file.js";
import { isTemplate } from "./template.js";
import type { VarSpec } from "./types.js";
import { t } from "../i18n/t.js";

/** Each variable's declaration must itself be a valid JSON Schema, and a literal default must satisfy it. */
export function checkVarSpecs(vars: Record<string, VarSpec>, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  for (const [name, spec] of Object.entries(vars)) {
    const path = ["vars", name];
    const validRead = spec.read === undefined ? undefined : compile(READ_SCHEMA);
    if (validRead && !validRead(spec.read)) {
      problems.push({ message: `read of '${name}' ${validRead.errors?.map((e) => `${e.instancePath.slice(1) || "read"} ${e.message ?? ""}`).join(", ") ?? "is invalid"}`, location: source.locate([...path, "read"]), path: [...path, "read"].join(".") });
    }
    try {
      const validate = compile(schemaOf(spec));
      const d = spec.default;
      if (d !== undefined && !(typeof d === "string" && isTemplate(d)) && !validate(d)) {
        problems.push({ message: `${t("vars.defaultOf", { name })} ${validate.errors?.[0] ? valueProblem(validate.errors[0]) : t("schema.invalid")}`, location: source.locate([...path, "default"]), path: [...path, "default"].join(".") });
      }
    } catch (err) {
      problems.push({ message: t("vars.badDeclaration", { name, reason: (err as Error).message }), location: source.locate(path), path: path.join(".") });
    }
  }
  return problems;
}

/** `read:` — where the value is read on the hosts (see engine/fleet-reads.ts). */
const READ_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["hosts", "file"],
  oneOf: [{ required: ["python"] }, { required: ["yaml"] }],
  properties: {
    hosts: { type: "string", minLength: 1 },
    file: { oneOf: [{ type: "string", minLength: 1 }, { type: "array", minItems: 1, items: { type: "string", minLength: 1 } }] },
    python: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
    yaml: { type: "string", minLength: 1 },
    match: { type: "string", minLength: 1 },
  },
};

const schemas = new WeakMap<VarSpec, Record<string, unknown>>();

/** The JSON Schema part of a declaration (our own keys removed); one object per declaration, so it compiles once. */
export function schemaOf(spec: VarSpec): Record<string, unknown> {
  let schema = schemas.get(spec);
  if (!schema) {
    const { default: _default, read: _read, description_zh: _zh, ...rest } = spec;
    schema = rest;
    schemas.set(spec, schema);
  }
  return schema;
}
