import type { AttrChange } from "../engine/results.js";
import type { MessageKey } from "../i18n/catalogue/index.js";
import { t } from "../i18n/t.js";

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, "0")}`;

/** `mode 0755 → 0750, owner root → mysql` (or, for a new directory, `new, mode 0750, owner mysql`). */
export function attrTransition(a: AttrChange): string {
  const parts: string[] = [];
  const show = (name: string, v: { from: string | null; to: string } | undefined): void => {
    if (!v) return;
    parts.push(a.created || v.from === null ? `${name} ${v.to}` : `${name} ${v.from} → ${v.to}`);
  };
  show(t("attrs.mode"), a.mode && { from: a.mode.from === null ? null : octal(a.mode.from), to: octal(a.mode.to) });
  show(t("attrs.owner"), a.owner);
  show(t("attrs.group"), a.group);
  return `${a.created ? t("attrs.created") : ""}${parts.join(", ")}`;
}

const NOUNS: Record<AttrChange["type"], [MessageKey, MessageKey]> = { file: ["noun.file", "noun.files"], dir: ["noun.dir", "noun.dirs"], link: ["noun.link", "noun.links"], other: ["noun.entry", "noun.entries"] };

/**
 * Attribute changes as a few lines of text, one per kind of path and transition:
 * `mode 0755 → 0750, owner root → mysql: 412 files under /var/lib/mysql`.
 */
export function describeAttrs(attrs: readonly AttrChange[]): string[] {
  const groups = new Map<string, AttrChange[]>();
  for (const a of attrs) {
    const key = `${a.type}\0${attrTransition(a)}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0];
    if (!first) return "";
    const [one, many] = NOUNS[first.type];
    const paths = list.map((a) => a.path);
    const top = commonDir(paths);
    const where = list.length === 1 ? t("attrs.one", { noun: t(one), path: first.path }) : t(paths.includes(top) ? "attrs.andBelow" : "attrs.under", { count: list.length, nouns: t(many), top });
    return `${attrTransition(first)}: ${where}`;
  });
}

/** The deepest path every one of `paths` is or is below. */
function commonDir(paths: readonly string[]): string {
  const split = paths.map((p) => p.replace(/\/+$/, "").split("/"));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join("/") || "/";
}
