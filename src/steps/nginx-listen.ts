import { StepError } from "../errors.js";
import { methodsFor } from "../generations/services.js";
import { listenPorts, nginxListens, nginxStateCommand, notRunning, parseNginxState, type NginxState } from "./nginx-state.js";
import { service, type ServiceParams } from "./service.js";
import { shellQuote as q } from "./shell-quote.js";
import type { Change, Facts, Probe, StepContext, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface NginxListenParams {
  /** The server block's file: its `listen` directives are the ports. */
  conf: string;
  /** The port, instead of reading conf's. */
  port?: number | null;
  pidfile: string;
}

const RELOAD: ServiceParams = { name: "nginx", action: "reload" };
/** Seconds a reload may take to bring the ports up. */
const WAIT = 10;

/** After the reload: every port listens within WAIT seconds (nginx's master binds them as it reads its configuration). */
const AWAIT_PORTS = String.raw`n=0
for p in "$@"; do
  hex=$(printf '%04X' "$p")
  until cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$hex" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == h) f = 1 } END { exit !f }'; do
    n=$((n + 1))
    if [ "$n" -gt ` + String(WAIT * 5) + String.raw` ]; then echo "nginx was reloaded, but nothing listens on $p after ` + String(WAIT) + String.raw` s: is the server block included by the nginx.conf this nginx runs? See its error log and nginx -t" >&2; exit 1; fi
    sleep 0.2
  done
done`;

function portsOf(p: NginxListenParams, facts: Facts): number[] {
  if (typeof p.port === "number") return [p.port];
  const f = facts.file(p.conf);
  if (!f.exists || f.content === undefined) throw new StepError(t("ngx.confMissing", { conf: p.conf }));
  const ports = listenPorts(f.content);
  if (ports.length === 0) throw new StepError(t("ngx.noListen", { conf: p.conf }));
  return ports;
}

/** How an operator starts this generation's nginx (each way it may be held), for a refusal's what-to-do. */
function startHint(ctx: StepContext): string {
  const bk = ctx.bk;
  if (!bk) return "start nginx";
  const ways = methodsFor(bk.generation, "nginx", bk.root, bk.sysroot).map((m) => {
    switch (m.kind) {
      case "systemd":
        return `systemctl start ${m.unit}`;
      case "script":
        return m.path;
      case "binary":
        return m.name;
      case "supervisor":
        return `supervisorctl -c ${m.conf} start ${m.program}`;
    }
  });
  return ways.join(", or ");
}

function reloadChange(s: NginxState, ports: number[], missing: number[], facts: Facts, ctx: StepContext): Change {
  const [reload] = service.plan(RELOAD, facts, ctx).changes;
  if (reload?.kind !== "run") throw new StepError(t("ngx.noReload"));
  const master = `nginx master ${s.pid ?? "?"}${s.exe === null ? "" : ` (${s.exe})`}`;
  return {
    kind: "run",
    command: `${reload.command} && sh -c ${q(AWAIT_PORTS)} await-ports ${ports.join(" ")}`,
    display: `${reload.command}, then wait for ${ports.join(", ")} to listen`,
    reason: `${master} runs but nothing listens on ${missing.join(", ")}`,
  };
}

export const nginxListen: StepType<NginxListenParams> = {
  name: "nginx_listen",
  summary: "Make a running nginx listen on the ports its server block names: reload it (the way the host runs it) when they do not listen; a stopped nginx is refused",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["conf", "pidfile"],
    properties: {
      conf: { type: "string", pattern: "^/", description: "The server block's file: its listen directives name the ports" },
      port: { type: ["integer", "null"], minimum: 1, maximum: 65535, description: "The port, instead of reading conf's (null: read conf)" },
      pidfile: { type: "string", pattern: "^/", description: "The pid file of the nginx master (as nginx.conf's pid, what nginx -s reload signals)" },
    },
  },
  needsGeneration: true,
  probes(p, ctx) {
    const own: Probe[] = [...(typeof p.port === "number" ? [] : [{ kind: "file" as const, path: p.conf }]), { kind: "command", command: nginxStateCommand(p.pidfile) }];
    return [...own, ...service.probes(RELOAD, ctx)];
  },
  plan(p, facts, ctx) {
    const ports = portsOf(p, facts);
    const r = facts.command(nginxStateCommand(p.pidfile));
    if (r.exitCode !== 0) throw new StepError(t("ngx.cannotRead", { why: r.stderr.trim() || `exit ${r.exitCode}` }));
    const s = parseNginxState(p.pidfile, r.stdout);
    const missing = ports.filter((port) => !nginxListens(s, port));
    if (missing.length === 0) return { changes: [], messages: [t("ngx.listens", { pid: s.pid ?? "?", ports: ports.join(", ") })] };
    const taken = missing.filter((port) => (s.listening.get(port) ?? []).length > 0);
    const held = taken.length === 0 ? "" : t("ngx.heldBy", { ports: taken.join(", ") });
    if (!s.running) {
      throw new StepError(t("ngx.notRunning", { why: notRunning(s), held, how: startHint(ctx) }));
    }
    if (taken.length > 0) throw new StepError(t("ngx.portTaken", { ports: taken.join(", "), pid: s.pid ?? "?" }));
    return { changes: [reloadChange(s, ports, missing, facts, ctx)] };
  },
};

