import { systemctlScript } from "../standins/systemctl.js";
import { file, script, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";

export const UNIT_DIR = "/usr/lib/systemd/system";

/** What every bk-install node has: /etc/blueking/env (update_bk_env.sh writes local.env) and systemctl. */
export function ce6NodeFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("/etc/blueking/env/local.env", `LAN_IP=${ctx.lanIp}\n`),
    script("/usr/bin/systemctl", systemctlScript(ctx.sysroot, `${ctx.root}/logs/systemctl.log`)),
  ];
}

/** A bk-install unit of an open_paas module: a uwsgi in the module's virtualenv, part of bk-paas.target. */
export function paasModuleUnit(ctx: TreeContext, module: string): string {
  const venv = `${ctx.root}/.envs/open_paas-${module}`;
  return `[Unit]
Description=BlueKing PaaS(${module}) uWSGI app
After=network-online.target
PartOf=bk-paas.target

[Service]
Type=simple
User=blueking
Group=blueking
WorkingDirectory=${ctx.root}/open_paas/${module}
Environment=PATH=${venv}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
Environment=BK_FILE_PATH=${ctx.root}/open_paas/cert/saas_priv.txt
ExecStart=/bin/bash -c '${venv}/bin/uwsgi --ini ${ctx.root}/etc/uwsgi-open_paas-${module}.ini'
Restart=on-failure
RestartSec=3s
KillSignal=SIGQUIT
LimitNOFILE=204800

[Install]
WantedBy=bk-paas.target
`;
}

export const PAAS_TARGET = `[Unit]
Description=BlueKing PaaS target, to start or stop every PaaS module at once

[Install]
WantedBy=multi-user.target blueking.target
`;

/** install_paasagent.sh's unit: the agent binary, which reads paas_agent/paas_agent/etc/paas_agent_config.yaml. */
export function agentUnit(ctx: TreeContext): string {
  return `[Unit]
Description="Blueking PaaS Agent"
After=network-online.target
PartOf=blueking.target

[Service]
User=blueking
Group=blueking
WorkingDirectory=${ctx.root}/paas_agent/paas_agent
ExecStart=${ctx.root}/paas_agent/paas_agent/bin/paas_agent
KillMode=process
Restart=always
RestartSec=3s
LimitNOFILE=204800

[Install]
WantedBy=multi-user.target blueking.target
`;
}
