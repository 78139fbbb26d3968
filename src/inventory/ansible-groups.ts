import type { InventoryDraft } from "./draft.js";

/** Parent groups of each group (Ansible's `children`), without `all`. */
export type Parents = ReadonlyMap<string, ReadonlySet<string>>;

export function ancestorsOf(group: string, parents: Parents): Set<string> {
  const seen = new Set<string>();
  const queue = [...(parents.get(group) ?? [])];
  for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
    if (g === group || seen.has(g)) continue;
    seen.add(g);
    queue.push(...(parents.get(g) ?? []));
  }
  return seen;
}

/**
 * The group ranking for `finish`, as Ansible's: a group's vars override its parents' (ties go to the later-declared
 * group). A child group has strictly more ancestors than each of its parents, so ranking by that count puts children last.
 */
export function rankGroups(draft: InventoryDraft, parents: Parents): (group: string) => number {
  const order = draft.groupNames();
  return (g) => ancestorsOf(g, parents).size * order.length + order.indexOf(g);
}
