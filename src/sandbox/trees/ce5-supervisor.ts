import type { TreeContext } from "./context.js";

export interface SupervisorProgram {
  name: string;
  directory: string;
}

/** The unix socket of one supervisord: under the host's /run, which the fleet keeps outside the host's files. */
export const supervisorSocket = (ctx: Pick<TreeContext, "sysroot">, name: string): string => `${ctx.sysroot}/run/supervisor-${name}.sock`;
export const supervisorConfPath = (ctx: Pick<TreeContext, "root">, name: string): string => `${ctx.root}/etc/supervisor-${name}.conf`;

/**
 * etc/supervisor-<name>.conf of a bkce 5.x host. BKDocs restarts through it:
 * `supervisorctl -c $INSTALL_PATH/etc/supervisor-open_paas.conf restart esb`, so programs are not grouped
 * (a group would make the name `open_paas:esb`). The sandbox runs a real supervisord with this file; each
 * program is a sleep standing in for the module's uwsgi.
 */
export function supervisorConf(ctx: TreeContext, name: string, programs: readonly SupervisorProgram[]): string {
  const socket = supervisorSocket(ctx, name);
  const logs = `${ctx.root}/logs/${name}`;
  const sections = programs.map((p) => `[program:${p.name}]
command = /bin/sleep 1000000
directory = ${p.directory}
startsecs = 0
stopwaitsecs = 5
autostart = true
autorestart = true
redirect_stderr = true
stdout_logfile = ${logs}/${p.name}_supervisor.log
`);
  return `; ${name} 的进程由此 supervisor 管理, 例如:
;   supervisorctl -c ${supervisorConfPath(ctx, name)} restart ${programs[0]?.name ?? "all"}

[unix_http_server]
file = ${socket}

[supervisorctl]
serverurl = unix://${socket}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisord]
pidfile = ${ctx.sysroot}/run/supervisord-${name}.pid
logfile = ${logs}/supervisord.log
logfile_maxbytes = 50MB
logfile_backups = 5
loglevel = info
directory = ${ctx.root}

${sections.join("\n")}`;
}
