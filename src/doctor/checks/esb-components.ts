import type { TreeEntry } from "../../steps/types.js";
import { planCommand } from "../read.js";
import type { Check, Verdict } from "../types.js";

/** Custom components live under components/generic (ESB's check_custom_codename walks generic/apis). */
const CUSTOM = "generic";

/** Folders under generic/ that hold Python code (at any depth) but are not packages: ESB cannot import below them. */
export function foldersWithoutInit(tree: readonly TreeEntry[]): string[] {
  const files = new Set(tree.filter((e) => e.type === "file").map((e) => e.rel));
  const dirs = tree.filter((e) => e.type === "dir" && (e.rel === CUSTOM || e.rel.startsWith(`${CUSTOM}/`)) && !e.rel.split("/").includes("__pycache__"));
  const holdsCode = (d: string): boolean => [...files].some((f) => f.startsWith(`${d}/`) && f.endsWith(".py"));
  return dirs.filter((d) => holdsCode(d.rel) && !files.has(`${d.rel}/__init__.py`)).map((d) => d.rel).sort();
}

export const esbComponents: Check = {
  id: "esb.components",
  title: { en: "every custom ESB component folder is a Python package (__init__.py)", zh: "ESB 自定义组件的每一级目录都有 __init__.py" },
  symptom: { en: 'ESB answers "component class not found" for a custom component', zh: "ESB 对自定义组件返回 “组件类不存在”" },
  fix: {
    en: "esb-add-component-deps creates every missing __init__.py of the component's path (and installs the packages it imports: give them as name==version) and restarts ESB",
    zh: "esb-add-component-deps 会补齐组件路径上缺少的 __init__.py (并安装组件依赖的包, 以 name==version 给出), 然后重启 ESB",
  },
  groups: ["paas"],
  probes: ({ bk }) => (bk ? [{ kind: "tree", path: bk.esb_components }] : []),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const byPath = new Map<string, string[]>();
    for (const h of hosts) {
      if (!h.bk) continue;
      const tree = h.facts.tree(h.bk.esb_components);
      if (tree === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: `${h.bk.esb_components} is not there (this host's ${h.bk.generation} keeps ESB's components there)` });
        continue;
      }
      for (const rel of foldersWithoutInit(tree)) byPath.set(`${h.bk.esb_components}/${rel}`, [...(byPath.get(`${h.bk.esb_components}/${rel}`) ?? []), h.name]);
    }
    const missing = [...byPath.keys()];
    if (missing.length === 0) return out;
    // The deepest folders: the playbook makes a package of every folder along each path.
    const leaves = missing.filter((p) => !missing.some((o) => o.startsWith(`${p}/`)));
    const hostsOf = [...new Set([...byPath.values()].flat())];
    const rels = leaves.map((p) => p.replace(/^.*\/components\//, ""));
    out.push({
      outcome: "fail",
      hosts: hostsOf,
      message: `no __init__.py in ${missing.map((p) => p.replace(/^.*\/components\//, "components/")).join(", ")}: ESB cannot import the components below`,
      evidence: [...byPath].map(([p, on]) => `${on.join(", ")}: ${p}/__init__.py is missing`),
      fix: {
        playbook: "esb-add-component-deps",
        command: rels.map((rel) => planCommand("esb-add-component-deps", inventory, { component_path: rel, packages: "NAME==VERSION" })).join("\n"),
        text: esbComponents.fix,
      },
    });
    return out;
  },
};
