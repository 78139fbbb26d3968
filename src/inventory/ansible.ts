import type { YamlSource } from "../source/yaml-file.js";
import type { InventoryDraft } from "./draft.js";
import { ancestorsOf, rankGroups } from "./ansible-groups.js";
import { ansibleLayer, yamlLocator } from "./ansible-vars.js";
import { checkInventorySchema, nameSchema } from "./validate.js";

type Vars = Record<string, unknown>;
interface Group {
  hosts?: Record<string, Vars | null> | null;
  vars?: Vars | null;
  children?: Record<string, Group | null> | null;
}

const varsSchema = { type: ["object", "null"] };
const schema = {
  type: "object",
  propertyNames: nameSchema,
  additionalProperties: { $ref: "#/definitions/group" },
  definitions: {
    group: {
      type: ["object", "null"],
      additionalProperties: false,
      properties: {
        hosts: { type: ["object", "null"], propertyNames: nameSchema, additionalProperties: varsSchema },
        vars: varsSchema,
        children: { type: ["object", "null"], propertyNames: nameSchema, additionalProperties: { $ref: "#/definitions/group" } },
      },
    },
  },
};

/**
 * Fill `draft` from an Ansible YAML inventory. Top-level groups other than `all` are children of `all`, as in Ansible.
 * Returns the group ranking for `finish`: a group's vars override its parents' (ties go to the later-declared group).
 */
export function readAnsible(source: YamlSource, draft: InventoryDraft): (group: string) => number {
  const problems = checkInventorySchema(schema, source.data, source);
  draft.problems.push(...problems);
  if (problems.length > 0) return () => 0;
  const parents = new Map<string, Set<string>>();
  const direct: [group: string, host: string][] = [];
  const walk = (name: string, group: Group, path: string[], parent?: string): void => {
    const layer = ansibleLayer(group.vars ?? {}, yamlLocator(source, [...path, "vars"]), draft.problems, false).layer;
    if (name === "all") draft.top.push(layer);
    else draft.declareGroup(name, layer);
    if (parent !== undefined && parent !== "all") parents.set(name, (parents.get(name) ?? new Set()).add(parent));
    for (const [host, vars] of Object.entries(group.hosts ?? {})) {
      const at = [...path, "hosts", host];
      const { layer: hostLayer, address } = ansibleLayer(vars ?? {}, yamlLocator(source, at), draft.problems, true);
      draft.declareHost(host, source.locateKey(at), hostLayer, address);
      if (name !== "all") direct.push([name, host]);
    }
    for (const [child, body] of Object.entries(group.children ?? {})) walk(child, body ?? {}, [...path, "children", child], name);
  };
  for (const [name, group] of Object.entries(source.data as Record<string, Group | null>)) walk(name, group ?? {}, [name], "all");
  for (const [group, host] of direct) for (const g of [group, ...ancestorsOf(group, parents)]) draft.join(g, host);
  return rankGroups(draft, parents);
}
