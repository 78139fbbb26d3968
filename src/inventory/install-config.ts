import type { SourceLocation } from "../errors.js";
import type { InventoryDraft } from "./draft.js";
import { t } from "../i18n/t.js";

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** `kafka(config)`: the parenthesised part says which instance of a module; the group is the module. */
const MODULE = /^([A-Za-z0-9_.-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;


/**
 * Fill `draft` from a BlueKing install.config: `IP module,module,...` per line, `[section]` headers and `#` comments
 * ignored. A repeated IP is the same host (its modules add up). Host name and address are the IP. Each module is a
 * group; the instance names written in parentheses (`bkdata(databus)`, `monitorv3(monitor),monitorv3(grafana)`) are
 * the host variable `bk_instances`, module → names in file order (`{ bkdata: ["databus"] }`; `{}` when none).
 */
export function readInstallConfig(file: string, text: string, draft: InventoryDraft): void {
  const instances = new Map<string, { at: SourceLocation; byModule: Record<string, string[]> }>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, "");
    if (line.trim() === "" || /^\s*\[[^\]]*\]\s*$/.test(line)) continue;
    const fail = (col: number, message: string): void => {
      draft.problems.push({ message, location: { file, line: index + 1, col } });
    };
    const [, indent = "", ip = "", gap = "", list = ""] = /^(\s*)(\S+)(?:(\s+)(.*?))?\s*$/.exec(line) ?? [];
    const at = { file, line: index + 1, col: indent.length + 1 };
    if (!IPV4.test(ip)) {
      fail(at.col, t("cfg.notIp", { ip, shape: t("cfg.shape") }));
      continue;
    }
    if (list === "") {
      fail(at.col + ip.length, t("cfg.noModules", { ip, shape: t("cfg.shape") }));
      continue;
    }
    const modules = readModules(list, at.col + ip.length + gap.length, fail);
    if (modules.length === 0) continue;
    draft.declareHost(ip, at, undefined, { value: ip, at });
    const host = instances.get(ip) ?? { at, byModule: {} };
    instances.set(ip, host);
    for (const [module, instance] of modules) {
      draft.join(module, ip);
      if (instance === undefined) continue;
      const names = (host.byModule[module] ??= []);
      if (!names.includes(instance)) names.push(instance);
    }
  }
  for (const [ip, host] of instances) draft.declareHost(ip, host.at, { vars: { bk_instances: host.byModule } });
}

/** Modules in `list` (which starts at column `col`) with their instance if any, or [] after reporting the first bad one. */
function readModules(list: string, col: number, fail: (col: number, message: string) => void): [module: string, instance?: string][] {
  const modules: [module: string, instance?: string][] = [];
  let offset = 0;
  for (const part of list.split(",")) {
    const name = part.trim();
    const at = col + offset + (part.length - part.trimStart().length);
    const [, module, instance] = MODULE.exec(name) ?? [];
    if (module === undefined) {
      fail(at, t(name === "" ? "cfg.emptyModule" : "cfg.badModule", { name, shape: t("cfg.shape") }));
      return [];
    }
    modules.push(instance ? [module, instance] : [module]);
    offset += part.length + 1;
  }
  return modules;
}
