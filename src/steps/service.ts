import { StepError } from "../errors.js";
import { methodsFor, SERVICES, supervisorPrograms, unitPaths, type Method, type Service } from "../generations/services.js";
import { shellQuote as q } from "./shell-quote.js";
import type { Facts, Probe, StepContext, StepType } from "./types.js";

export interface ServiceParams {
  name: Service;
  action: "restart" | "reload";
}

const which = (name: string): string => `command -v ${q(name)}`;

function methods(p: ServiceParams, ctx: StepContext): Method[] {
  const node = ctx.node;
  if (!node) throw new StepError("service steps need the host's BlueKing generation");
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
      if (!unit) return { why: `no systemd unit ${m.unit}` };
      if (!onPath("systemctl")) return { why: `${m.unit} exists but systemctl is not on PATH` };
      return { command: `systemctl ${p.action} ${q(m.unit)}` };
    }
    case "supervisor": {
      const conf = facts.file(m.conf);
      if (!conf.exists) return { why: `no ${m.conf}` };
      const program = supervisorPrograms(conf.content ?? "").get(m.program);
      if (!program) return { why: `${m.conf} has no [program:${m.program}]` };
      const ctl = facts.stat(m.ctl).exists ? m.ctl : onPath("supervisorctl") ? "supervisorctl" : null;
      if (!ctl) return { why: `no supervisorctl (neither ${m.ctl} nor on PATH)` };
      // supervisorctl has no reload of one program; a restart is what BlueKing's docs do.
      return { command: `${q(ctl)} -c ${q(m.conf)} restart ${q(program)}` };
    }
    case "script": {
      const st = facts.stat(m.path);
      if (!st.exists) return { why: `no ${m.path}` };
      if (((st.mode ?? 0) & 0o111) === 0) return { why: `${m.path} is not executable` };
      return { command: [q(m.path), ...scriptArgs(m, p)].join(" ") };
    }
    case "binary":
      if (!onPath(m.name)) return { why: `${m.name} is not on PATH` };
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
      const k8s = node?.generation === "ce7" ? ": bkce 7.x runs PaaS in Kubernetes, not on its nodes" : "";
      throw new StepError(`no known way to ${p.action} ${p.name} on ${node?.generation ?? "this"} hosts${k8s}`);
    }
    const whys: string[] = [];
    for (const m of tried) {
      const r = commandFor(m, p, facts, node.sysroot);
      if ("command" in r) return { changes: [{ kind: "run", command: r.command, reason: `${p.action} ${p.name} (${m.kind})` }] };
      whys.push(r.why);
    }
    throw new StepError(`cannot ${p.action} ${p.name} on this ${node.generation} host: ${whys.join("; ")}. Nothing was changed; check the service on the host, or pin bk_generation in the inventory`);
  },
};
