import { StepError } from "../errors.js";
import { methodsFor, SERVICES, supervisorPrograms, unitPaths, type Method, type Service } from "../generations/services.js";
import { shellQuote as q } from "./shell-quote.js";
import type { Facts, Probe, StepContext, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface ServiceParams {
  name: Service;
  action: "restart" | "reload";
}

const which = (name: string): string => `command -v ${q(name)}`;

function methods(p: ServiceParams, ctx: StepContext): Method[] {
  const node = ctx.node;
  if (!node) throw new StepError(t("step.needsGeneration"));
  return methodsFor(node.generation, p.name, ctx.bk?.root, node.sysroot);
}

function probesOf(m: Method, sysroot: string): Probe[] {
  switch (m.kind) {
    case "systemd":
      return [...unitPaths(m.unit, sysroot).map((path): Probe => ({ kind: "stat", path })), { kind: "command", command: which("systemctl") }];
    case "supervisor":
      return [{ kind: "file", path: m.conf }, { kind: "stat", path: m.ctl }, { kind: "command", command: which("supervisorctl") }];
    case "script":
      return [{ kind: "stat", path: m.path }];
    case "binary":
      return [{ kind: "command", command: which(m.name) }];
  }
}

/** The command when the host holds the service this way, else why not. */
function commandFor(m: Method, p: ServiceParams, facts: Facts, sysroot: string): { command: string } | { why: string } {
  const onPath = (name: string): boolean => facts.command(which(name)).exitCode === 0;
  switch (m.kind) {
    case "systemd": {
      const unit = unitPaths(m.unit, sysroot).find((u) => facts.stat(u).exists);
      if (!unit) return { why: t("svc.noUnit", { unit: m.unit }) };
      if (!onPath("systemctl")) return { why: t("svc.noSystemctl", { unit: m.unit }) };
      return { command: `systemctl ${p.action} ${q(m.unit)}` };
    }
    case "supervisor": {
      const conf = facts.file(m.conf);
      if (!conf.exists) return { why: t("svc.noFile", { path: m.conf }) };
      const program = supervisorPrograms(conf.content ?? "").get(m.program);
      if (!program) return { why: t("svc.noProgram", { conf: m.conf, program: m.program }) };
      const ctl = facts.stat(m.ctl).exists ? m.ctl : onPath("supervisorctl") ? "supervisorctl" : null;
      if (!ctl) return { why: t("svc.noCtl", { ctl: m.ctl }) };
      // supervisorctl has no reload of one program; a restart is what BlueKing's docs do.
      return { command: `${q(ctl)} -c ${q(m.conf)} restart ${q(program)}` };
    }
    case "script": {
      const st = facts.stat(m.path);
      if (!st.exists) return { why: t("svc.noFile", { path: m.path }) };
      if (((st.mode ?? 0) & 0o111) === 0) return { why: t("svc.notExecutable", { path: m.path }) };
      return { command: [q(m.path), ...scriptArgs(m, p)].join(" ") };
    }
    case "binary":
      if (!onPath(m.name)) return { why: t("svc.notOnPath", { name: m.name }) };
      return { command: [m.name, ...scriptArgs(m, p)].join(" ") };
  }
}

/** dashboard.sh takes `<action> <module>`; nginx takes `-s reload`. */
function scriptArgs(m: Extract<Method, { args: string[] }>, p: ServiceParams): string[] {
  return m.args[0] === "-s" ? ["-s", "reload"] : [p.action, ...m.args.map(q)];
}

export const service: StepType<ServiceParams> = {
  name: "service",
  summary: "Restart or reload a BlueKing service the way this host runs it (dashboard.sh, supervisor, systemd or gsectl, found on the host)",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["name", "action"],
    properties: {
      name: { enum: [...SERVICES], description: "paas, login, esb, appengine, console, apigw (open_paas modules), paas_agent, nginx, or gse_agent (node-man's gsectl)" },
      action: { enum: ["restart", "reload"], description: "reload applies to nginx; other services are restarted" },
    },
  },
  needsGeneration: true,
  probes(p, ctx) {
    const sysroot = ctx.node?.sysroot ?? "";
    return methods(p, ctx).flatMap((m) => probesOf(m, sysroot));
  },
  plan(p, facts, ctx) {
    const node = ctx.node;
    const tried = methods(p, ctx);
    if (!node || tried.length === 0) {
      const generation = node?.generation ?? t("step.thisGeneration");
      const action = t(p.action === "reload" ? "svc.reload" : "svc.restart");
      throw new StepError(t(node?.generation === "ce7" ? "step.noServiceOnNode" : "step.noServiceWay", { action, name: p.name, generation }));
    }
    const whys: string[] = [];
    for (const m of tried) {
      const r = commandFor(m, p, facts, node.sysroot);
      if ("command" in r) return { changes: [{ kind: "run", command: r.command, reason: `${p.action} ${p.name} (${m.kind})` }] };
      whys.push(r.why);
    }
    throw new StepError(t("step.cannotService", { action: t(p.action === "reload" ? "svc.reload" : "svc.restart"), name: p.name, generation: node.generation, whys: whys.join("; ") }));
  },
};
