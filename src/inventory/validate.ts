import type { ErrorObject } from "ajv";
import type { Problem } from "../errors.js";
import { compile, translate } from "../schema/check.js";
import type { YamlSource } from "../source/yaml-file.js";
import { t } from "../i18n/t.js";

/** Host and group names are matched by --limit patterns and play `hosts:`, so no spaces, commas or colons (same as the native schema). */
export const nameSchema = { type: "string", pattern: "^[A-Za-z0-9_.-]+$" } as const;

/** Like checkAgainst, but a bad host/group name is reported at the key itself rather than at its enclosing mapping. */
export function checkInventorySchema(schema: Record<string, unknown>, data: unknown, source: YamlSource): Problem[] {
  const validate = compile(schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const isName = (e: ErrorObject): boolean => e.keyword === "propertyNames" || e.propertyName !== undefined;
  const names = errors.filter((e) => e.keyword === "propertyNames").map((e): Problem => {
    const path = [...pathOf(e), String((e.params as { propertyName: unknown }).propertyName)];
    const message = t("inv.badName", { name: path.at(-1) ?? "" });
    return { message, location: source.locateKey(path), path: path.join(".") };
  });
  return [...translate(errors.filter((e) => !isName(e)), source, []), ...names];
}

function pathOf(e: ErrorObject): string[] {
  return e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
