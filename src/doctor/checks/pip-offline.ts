import type { BkView } from "../../generations/host-layout.js";
import type { Host } from "../../inventory/types.js";
import { HTTP_PRELUDE, onlyOn, urlRequest } from "../http-probe.js";
import { contentOf, planCommand, yamlValue } from "../read.js";
import type { Check, HostView, Verdict } from "../types.js";
import { missingConfig, unreachable } from "./agent-controller.js";
import { t } from "../../i18n/t.js";

const KEY = "PYTHON_PIP";

/** The agent passes settings.PYTHON_PIP to the build as PYPI_SERVER_URL (paasagent job.go): the index pip is told to use. */
const indexCommand = (host: Host, bk: BkView): string => `${onlyOn(host, bk.generation)}\n${HTTP_PRELUDE}\n${urlRequest(KEY, bk.agent_config, "/")}`;

const buildScripts = (bk: BkView): string[] => [bk.agent_build, ...(bk.agent_buildsaas === null ? [] : [bk.agent_buildsaas])];

/** A `pip install` that asks an index (-i, --index-url, --extra-index-url), a continued line joined first. */
export function onlinePipLines(script: string): string[] {
  return script.replace(/\\\n/g, " ").split("\n").filter((l) => /\bpip3? install\b/.test(l) && !/^\s*#/.test(l) && !/--no-index\b/.test(l) && /\s(-i|--index-url|--extra-index-url)[\s=]/.test(l));
}

/**
 * Does this host build online (from an index)? bkce 6.x's docker builder asks the index unless USE_PYPI is
 * 'false'; the virtualenv builds (the seeds' layout, 5.x) ask it on every pip line not made offline.
 */
function online(h: HostView, bk: BkView): { online: boolean; why: string } | { unknown: string } {
  const yaml = contentOf(h.facts, bk.agent_config);
  if (yaml === undefined) return { unknown: missingConfig(h, bk) ?? "" };
  if (bk.generation === "ce6") {
    const use = yamlValue(yaml, "settings.USE_PYPI");
    return String(use).toLowerCase() === "false" ? { online: false, why: "" } : { online: true, why: `settings.USE_PYPI = ${JSON.stringify(use ?? null)} in ${bk.agent_config}` };
  }
  const scripts = buildScripts(bk).map((p) => ({ path: p, text: contentOf(h.facts, p) }));
  const first = scripts[0];
  if (first?.text === undefined) return { unknown: `${bk.agent_build} is missing (this host's ${bk.generation} builds apps with it)` };
  const lines = scripts.flatMap((s) => (s.text === undefined ? [] : onlinePipLines(s.text).map((l) => `${s.path}: ${l.trim()}`)));
  return { online: lines.length > 0, why: lines.join("; ") };
}

export const pipOffline: Check = {
  id: "pip.offline",
  title: { en: "each agent host reaches its pip index, or builds from an offline mirror", zh: "每台 agent 主机能访问其 pip 源, 或已配置离线镜像" },
  symptom: { en: "SaaS deploys fail at pip install (------pip install fail------) on hosts without internet access", zh: "无外网的主机上 SaaS 部署在 pip install 失败 (------pip install fail------)" },
  fix: {
    en: "offline-pip-mirror puts a folder of packages on the agent hosts and makes the build install from it (--no-index --find-links; on bkce 6.x USE_PYPI 'false'): give it the packages (a .tar.gz or a folder of wheels)",
    zh: "offline-pip-mirror 会把离线包放到 agent 主机上并让构建从中安装 (--no-index --find-links; bkce 6.x 设置 USE_PYPI 'false'): 需提供包 (.tar.gz 或 wheel 目录)",
  },
  groups: ["appo", "appt"],
  probes: ({ host, bk }) => {
    if (!bk) return [];
    const files = bk.generation === "ce6" ? [bk.agent_config] : [bk.agent_config, ...buildScripts(bk)];
    return [...files.map((path) => ({ kind: "file" as const, path })), { kind: "command", command: indexCommand(host, bk) }];
  },
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const cut: { host: string; why: string; line: string }[] = [];
    for (const h of hosts) {
      const bk = h.bk;
      if (!bk) continue;
      const mode = online(h, bk);
      if ("unknown" in mode) {
        out.push({ outcome: "unknown", hosts: [h.name], message: mode.unknown });
        continue;
      }
      if (!mode.online) continue;
      const r = h.facts.command(indexCommand(h.host, bk));
      const yaml = contentOf(h.facts, bk.agent_config);
      const url = yaml === undefined ? undefined : yamlValue(yaml, `settings.${KEY}`);
      if (r.exitCode !== 0 || typeof url !== "string") {
        out.push({ outcome: "unknown", hosts: [h.name], message: r.exitCode !== 0 ? t("pip.couldNotDial", { why: r.stderr.trim() || `exit ${r.exitCode}` }) : t("pip.noIndexSetting", { file: bk.agent_config, key: KEY, why: mode.why }) });
        continue;
      }
      const u = unreachable(r.stdout, KEY, h.name);
      if (u === undefined) continue;
      if (u.unknown) out.push({ outcome: "unknown", hosts: [h.name], message: u.why });
      else cut.push({ host: h.name, why: `${h.name}: ${KEY} ${u.url}: ${u.why}`, line: `${h.name}: ${KEY} ${u.url}: ${u.why}; the build installs online: ${mode.why}` });
    }
    if (cut.length > 0) {
      out.push({
        outcome: "fail",
        hosts: cut.map((c) => c.host),
        message: t("pip.cut", { why: cut.map((c) => c.why).join("; ") }),
        evidence: cut.map((c) => c.line),
        fix: { playbook: "offline-pip-mirror", command: planCommand("offline-pip-mirror", inventory, { packages: "/path/to/python_pkgs.tar.gz" }), text: pipOffline.fix },
      });
    }
    return out;
  },
};
