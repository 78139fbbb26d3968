import type { BkView } from "../../generations/host-layout.js";
import { placePath, type PaasGeneration } from "../../generations/layouts.js";
import type { Host } from "../../inventory/types.js";
import { makeRedactor } from "../../report/redact.js";
import { shellQuote as q } from "../../steps/shell-quote.js";
import type { TreeEntry } from "../../steps/types.js";
import { onlyOn } from "../http-probe.js";
import { planCommand } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Custom components live under components/generic (ESB's check_custom_codename walks generic/apis). */
const CUSTOM = "generic";

/** Folders under generic/ that hold Python code (at any depth) but are not packages: ESB cannot import below them. */
export function foldersWithoutInit(tree: readonly TreeEntry[]): string[] {
  const files = new Set(tree.filter((e) => e.type === "file").map((e) => e.rel));
  const dirs = tree.filter((e) => e.type === "dir" && (e.rel === CUSTOM || e.rel.startsWith(`${CUSTOM}/`)) && !e.rel.split("/").includes("__pycache__"));
  const holdsCode = (d: string): boolean => [...files].some((f) => f.startsWith(`${d}/`) && f.endsWith(".py"));
  return dirs.filter((d) => holdsCode(d.rel) && !files.has(`${d.rel}/__init__.py`)).map((d) => d.rel).sort();
}

/**
 * ESB's log: LOG_DIR/esb.log, LOG_DIR being PAAS_LOGGING_DIR (paas-ce esb/settings.py): the seeds' layout's
 * `${PAAS_ROOT}/open_paas/logs/esb.log` (seed 001), $INSTALL_PATH/logs/open_paas (BKDocs 5.1 logs.md) and
 * bk-install's uwsgi config (`env=PAAS_LOGGING_DIR=$BK_HOME/logs/open_paas`).
 */
const ESB_LOG: Readonly<Record<PaasGeneration, string>> = { oss: "open_paas/logs/esb.log", ce5: "logs/open_paas/esb.log", ce6: "logs/open_paas/esb.log" };
/** The end of the log read: each ESB start logs its components that failed to import again. */
export const ESB_LOG_LINES = 400;

const esbLogOf = (bk: BkView): string => placePath(ESB_LOG[bk.generation], bk.root, bk.sysroot);
const logCommand = (host: Host, bk: BkView): string => `${onlyOn(host, bk.generation)}\n[ -r ${q(esbLogOf(bk))} ] || exit 0\ntail -n ${ESB_LOG_LINES} ${q(esbLogOf(bk))} | base64 -w0`;

export interface ImportFailure {
  /** The component file ESB could not import. */
  file: string;
  /** The record's time as ESB wrote it. */
  at: string;
  /** The exception's last line (`ImportError: No module named requests_toolbelt`). */
  exception: string;
}

/**
 * ESB's `1306101 Error when register file <file>, skip` records (esb/component/base.py `register_path`), each
 * with the last line of the traceback logged after it; the latest record per file.
 */
export function importFailures(log: string): ImportFailure[] {
  const lines = log.split("\n");
  const found = new Map<string, ImportFailure>();
  let at = "";
  lines.forEach((line, i) => {
    const head = /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \[([^\]]+)\]/.exec(line);
    if (head) at = head[1] ?? "";
    const m = /\b1306101 Error when register file (\S+?),? skip\b/.exec(line);
    if (!m) return;
    let exception = "";
    for (const next of lines.slice(i + 1)) {
      if (/^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \[/.test(next)) break;
      if (/^[A-Za-z_][\w.]*(?:Error|Exception)\b/.test(next.trim())) exception = next.trim();
    }
    const file = m[1] ?? "";
    found.delete(file);
    found.set(file, { file, at, exception: exception || "(no exception line logged)" });
  });
  return [...found.values()];
}

/** The module a failed import names, as pip would install it (a guess to correct: the distribution's name may differ). */
const missingModule = (exception: string): string | undefined => /No module named '?([A-Za-z0-9_]+)/.exec(exception)?.[1];

const redact = makeRedactor([]);

function logVerdicts(hosts: readonly HostView[], inventory: string): Verdict[] {
  const found: { host: string; bk: BkView; f: ImportFailure }[] = [];
  for (const h of hosts) {
    if (!h.bk) continue;
    const out = h.facts.command(logCommand(h.host, h.bk)).stdout.trim();
    for (const f of importFailures(Buffer.from(out, "base64").toString("utf8"))) found.push({ host: h.name, bk: h.bk, f });
  }
  if (found.length === 0) return [];
  const byPath = new Map<string, Set<string>>();
  for (const x of found) {
    const dir = x.f.file.slice(0, x.f.file.lastIndexOf("/"));
    const rel = dir.startsWith(`${x.bk.esb_components}/`) ? dir.slice(x.bk.esb_components.length + 1) : undefined;
    if (rel === undefined) continue;
    const mod = missingModule(x.f.exception);
    byPath.set(rel, (byPath.get(rel) ?? new Set<string>()).add(mod === undefined ? "NAME==VERSION" : `${mod}==VERSION`));
  }
  return [{
    outcome: "fail",
    hosts: [...new Set(found.map((x) => x.host))],
    message: t("esb.couldNotImport", { files: found.map((x) => `${x.f.file.replace(/^.*\/components\//, "components/")} (${redact(x.f.exception)})`).join("; ") }),
    evidence: found.map((x) => `${x.host}: ${esbLogOf(x.bk)} at ${x.f.at}: 1306101 Error when register file ${x.f.file}, skip — ${redact(x.f.exception)}`),
    fix: {
      ...(byPath.size > 0 ? { playbook: "esb-add-component-deps", command: [...byPath].map(([rel, pkgs]) => planCommand("esb-add-component-deps", inventory, { component_path: rel, packages: [...pkgs].join(",") })).join("\n") } : {}),
      text: esbComponents.fix,
    },
  }];
}

export const esbComponents: Check = {
  id: "esb.components",
  title: { en: "every custom ESB component folder is a Python package (__init__.py), and esb.log shows no component that failed to import", zh: "ESB 自定义组件的每一级目录都有 __init__.py, 且 esb.log 中没有组件加载失败" },
  symptom: { en: 'ESB answers "component class not found" for a custom component', zh: "ESB 对自定义组件返回 “组件类不存在”" },
  fix: {
    en: "esb-add-component-deps creates every missing __init__.py of the component's path (and installs the packages it imports: give them as name==version) and restarts ESB",
    zh: "esb-add-component-deps 会补齐组件路径上缺少的 __init__.py (并安装组件依赖的包, 以 name==version 给出), 然后重启 ESB",
  },
  groups: ["paas"],
  probes: ({ host, bk }) => (bk ? [{ kind: "tree", path: bk.esb_components }, { kind: "command", command: logCommand(host, bk) }] : []),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = logVerdicts(hosts, inventory);
    const byPath = new Map<string, string[]>();
    for (const h of hosts) {
      if (!h.bk) continue;
      const tree = h.facts.tree(h.bk.esb_components);
      if (tree === undefined) {
        out.push({ outcome: "unknown", hosts: [h.name], message: t("doc.missingAt", { path: h.bk.esb_components, generation: h.bk.generation, what: t("doc.what.esbComponents") }) });
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
      message: t("esb.noInit", { dirs: missing.map((p) => p.replace(/^.*\/components\//, "components/")).join(", ") }),
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
