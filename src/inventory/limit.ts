import { InputError } from "../errors.js";
import { closest } from "../schema/closest.js";
import type { Host, Inventory } from "./types.js";
import { t } from "../i18n/t.js";

/**
 * Hosts matching an Ansible-like pattern, in inventory order; [] when none (a play may target an empty group).
 * The pattern is a list separated by `,` or `:` of host names, group names or globs (`*`, `?`, `[...]`) over both;
 * `&x` keeps only hosts also in x, `!x` drops hosts in x. As in Ansible, the plain terms are united first
 * (all hosts if there are none), then intersections, then exclusions apply, whatever their order in the list.
 */
export function matchHosts(inventory: Inventory, pattern: string): Host[] {
  const terms = pattern.split(/[,:]/).map((t) => t.trim()).filter((t) => t !== "");
  if (terms.length === 0) return [];
  const plain = terms.filter((t) => !t.startsWith("&") && !t.startsWith("!"));
  let names = plain.length > 0 ? union(plain.map((t) => namesFor(inventory, t))) : new Set(inventory.hosts.map((h) => h.name));
  for (const t of terms.filter((t) => t.startsWith("&"))) {
    const keep = namesFor(inventory, t.slice(1));
    names = new Set([...names].filter((n) => keep.has(n)));
  }
  for (const t of terms.filter((t) => t.startsWith("!"))) {
    for (const n of namesFor(inventory, t.slice(1))) names.delete(n);
  }
  return inventory.hosts.filter((h) => names.has(h.name));
}

/** For `--limit`: no pattern means every host; a pattern that matches nothing is a mistake worth stopping for. */
export function selectHosts(inventory: Inventory, pattern: string | undefined): Host[] {
  if (pattern === undefined) return inventory.hosts;
  const hosts = matchHosts(inventory, pattern);
  if (hosts.length === 0) throw new InputError(t("inv.limitNone", { pattern, hint: suggest(inventory, pattern) }));
  return hosts;
}

/** ` — did you mean 'paas'? (groups: …; hosts: …)`: what the inventory has, nearest first. */
function suggest(inventory: Inventory, pattern: string): string {
  const groups = Object.keys(inventory.groups).filter((g) => g !== "all");
  const names = inventory.hosts.map((h) => h.name);
  const hints = suggestNames(inventory, patternTerms(pattern));
  const list = (items: string[]): string => (items.length > 10 ? [...items.slice(0, 10), "…"].join(", ") : items.join(", ") || t("inv.none"));
  return `${hints.length > 0 ? t("inv.didYouMean", { names: hints.map((h) => `'${h}'`).join(t("inv.or")) }) : ""}${t("inv.known", { groups: list(groups), hosts: list(names) })}`;
}

/** The names a pattern's terms give, without their `&`/`!` (globs included). */
export function patternTerms(pattern: string): string[] {
  return pattern.split(/[,:]/).map((t) => t.trim().replace(/^[&!]/, "")).filter((t) => t !== "");
}

/**
 * For terms that name neither a group nor a host: the group or host each most likely meant, by spelling
 * (`pass` → `paas`) or as a part of a longer name (`paas` → `open_paas`, `open_paas` → `paas`).
 */
export function suggestNames(inventory: Inventory, terms: readonly string[]): string[] {
  const groups = Object.keys(inventory.groups).filter((g) => g !== "all");
  const names = [...groups, ...inventory.hosts.map((h) => h.name)];
  const unknown = terms.filter((t) => !/[*?[]/.test(t) && !names.includes(t));
  return [...new Set(unknown.flatMap((t) => closest(t, names) ?? groups.find((g) => sharesWord(t, g)) ?? []))];
}

const words = (name: string): string[] => name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
const sharesWord = (a: string, b: string): boolean => words(a).some((w) => words(b).includes(w));

/** Host names selected by one term: a host name, a group name, or a glob over both. */
function namesFor(inventory: Inventory, term: string): Set<string> {
  const test = /[*?[]/.test(term) ? globTest(term) : (name: string) => name === term;
  const names = new Set(inventory.hosts.filter((h) => test(h.name)).map((h) => h.name));
  for (const [group, members] of Object.entries(inventory.groups)) {
    if (test(group)) for (const m of members) names.add(m);
  }
  return names;
}

function globTest(glob: string): (name: string) => boolean {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    const close = c === "[" ? glob.indexOf("]", i + 2) : -1;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (close > 0) {
      const body = glob.slice(i + 1, close);
      source += `[${/^[!^]/.test(body) ? "^" + escape(body.slice(1)) : escape(body)}]`;
      i = close;
    } else source += escape(c);
  }
  const re = new RegExp(`^${source}$`);
  return (name) => re.test(name);
}

/** Escape regex syntax, except `-`: it makes ranges inside `[...]`. */
function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

function union(sets: Set<string>[]): Set<string> {
  return new Set(sets.flatMap((s) => [...s]));
}
