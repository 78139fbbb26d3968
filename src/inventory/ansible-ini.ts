import type { SourceLocation } from "../errors.js";
import { ancestorsOf, rankGroups } from "./ansible-groups.js";
import { ansibleLayer, type Locator } from "./ansible-vars.js";
import type { Detection } from "./detect.js";
import type { InventoryDraft } from "./draft.js";
import { readHostLine } from "./ini-hosts.js";
import { VAR_NAME, varsLine } from "./ini-line.js";
import { t } from "../i18n/t.js";

const GROUP_NAME = /^[A-Za-z0-9_.-]+$/;
const IMPLICIT = new Set(["all", "ungrouped"]);
type Section = "hosts" | "vars" | "children";

/**
 * Fill `draft` from an Ansible INI inventory, read as Ansible's `ini` plugin does: hosts before any section are
 * ungrouped; `[g]` lists hosts (`NAME[:PORT] [key=value ...]`, NAME may hold ranges), `[g:vars]` one `key=value` a
 * line, `[g:children]` one group a line. A group named in `:vars` or `:children` needs its own `[g]` or
 * `[g:children]` section somewhere in the file (Ansible refuses it too); `all` and `ungrouped` always exist, and
 * `ungrouped` holds the hosts in no other group. Every problem is reported, located; the Ansible-specific variables
 * are translated as in YAML inventories (ansible-vars.ts). Returns the group ranking for `finish`.
 */
export function readAnsibleIni(file: string, text: string, draft: InventoryDraft, detection: Detection): (group: string) => number {
  const at = (line: number, col: number): SourceLocation => ({ file, line, col });
  const fail = (line: number, col: number, message: string): void => {
    const why = detection.explainLines.has(line) ? t("ini.readAsIni", { because: detection.because }) : "";
    draft.problems.push({ message: message + why, location: at(line, col) });
  };
  const declared = new Set(IMPLICIT);
  const varsSections: { group: string; at: SourceLocation }[] = [];
  const edges: { parent: string; child: string; at: SourceLocation }[] = [];
  const direct: [group: string, host: string][] = [];
  const hosts: string[] = [];
  // undefined after a bad header: the lines up to the next good one belong to no section and are skipped, not reported.
  let group: string | undefined = "ungrouped";
  let section: Section = "hosts";

  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const n = index + 1;
    const line = raw.trim();
    const col = raw.length - raw.trimStart().length + 1;
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/.exec(line);
    if (header) {
      const [, name = "", kind = "hosts"] = header;
      if (kind !== "hosts" && kind !== "vars" && kind !== "children") {
        fail(n, col, t("ini.unknownSection", { kind, name }));
      } else if (!GROUP_NAME.test(name)) {
        fail(n, col + 1, t("ini.badGroup", { name }));
      } else if (name === "ungrouped" && kind === "children") {
        fail(n, col, t("ini.ungroupedChildren"));
      } else {
        [group, section] = [name, kind];
        if (kind === "vars") varsSections.push({ group, at: at(n, col) });
        else declared.add(group);
        if (group !== "all") draft.declareGroup(group);
        continue;
      }
      group = undefined;
      continue;
    }
    if (line.startsWith("[")) {
      fail(n, col, t("ini.notHeader", { line }));
      group = undefined;
      continue;
    }
    if (group === undefined) continue;
    if (section === "hosts") {
      if (group === "ungrouped") draft.declareGroup(group);
      for (const name of readHostLine(raw, n, at, fail, draft)) {
        hosts.push(name);
        if (group !== "all") direct.push([group, name]);
      }
    } else if (section === "vars") {
      const parsed = varsLine(raw);
      if (parsed === null) fail(n, col, t("ini.expectedKeyValue", { line }));
      else if ("message" in parsed) fail(n, parsed.col, parsed.message);
      else if (!VAR_NAME.test(parsed.key)) fail(n, col, t("ini.badVarName", { name: parsed.key }));
      else {
        const where: Locator = () => ({ location: at(n, col) });
        const { layer } = ansibleLayer({ [parsed.key]: parsed.value }, where, draft.problems, false);
        if (group === "all") draft.top.push(layer);
        else draft.declareGroup(group, layer);
      }
    } else {
      const child = /^([^:\]\s]+)\s*(?:#.*)?$/.exec(line)?.[1];
      if (child === undefined || !GROUP_NAME.test(child)) fail(n, col, t("ini.expectedGroup", { line }));
      else if (IMPLICIT.has(child)) fail(n, col, t("ini.implicitChild", { name: child }));
      else edges.push({ parent: group, child, at: at(n, col) });
    }
  }

  for (const v of varsSections) {
    if (!declared.has(v.group)) fail(v.at.line, v.at.col, t("ini.varsUndeclared", { group: v.group }));
  }
  const parents = linkGroups(edges, declared, fail);
  const joined = new Set<string>();
  for (const [g, host] of direct) {
    if (g === "ungrouped") continue;
    for (const member of [g, ...ancestorsOf(g, parents)]) draft.join(member, host);
    joined.add(host);
  }
  for (const host of new Set(hosts)) if (!joined.has(host)) draft.join("ungrouped", host);
  return rankGroups(draft, parents);
}

/** Parent groups from `[g:children]` lines, in file order; a child nobody declares, or a cycle, is reported where it is named. */
function linkGroups(
  edges: readonly { parent: string; child: string; at: SourceLocation }[],
  declared: ReadonlySet<string>,
  fail: (line: number, col: number, message: string) => void,
): Map<string, Set<string>> {
  const parents = new Map<string, Set<string>>();
  for (const { parent, child, at } of edges) {
    if (!declared.has(child)) {
      fail(at.line, at.col, t("ini.childUndeclared", { parent, child }));
    } else if (parent === "all") {
      continue;
    } else if (child === parent || ancestorsOf(parent, parents).has(child)) {
      fail(at.line, at.col, t("ini.cycle", { parent, path: [...pathDown(child, parent, parents), child].join(" > ") }));
    } else {
      parents.set(child, (parents.get(child) ?? new Set()).add(parent));
    }
  }
  return parents;
}

/** Groups from `top` down to `bottom` through child links (`top` is an ancestor of `bottom`, or is it). */
function pathDown(top: string, bottom: string, parents: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const path = [bottom];
  for (let g = bottom; g !== top; ) {
    const up = [...(parents.get(g) ?? [])].find((p) => p === top || ancestorsOf(p, parents).has(top));
    if (up === undefined) break;
    path.unshift(up);
    g = up;
  }
  return path;
}
