import { NODE_LAYOUT } from "../../generations/layouts.js";
import { gsectlScript } from "../standins/gsectl.js";
import { dir, file, script, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";

const HOME = "/usr/local/gse";

/**
 * A GSE agent 1.0's config as node-man renders it for a community edition (nodeman agent_adapter/legacy.py's
 * template, 4-space JSON): paths under /usr/local/gse, the CE ports (io 48533, file server 59173, data 58625,
 * nodeman constants.py), no password_keyfile (CE), `zkhost` from the access point's zookeepers and `zkauth`
 * (`user:password`) when it has an account.
 */
function agentConf(ctx: TreeContext, zk: { zkhost: string; zkauth?: string }): string {
  const conf = {
    log: "/var/log/gse",
    logfilesize: 10,
    logfilenum: 10,
    cert: `${HOME}/agent/cert`,
    proccfg: `${HOME}/agent/etc/procinfo.json`,
    procgroupcfg: `${HOME}/agent/etc/procgroupinfo.json`,
    alarmcfgpath: `${HOME}/plugins/etc`,
    dataipc: "/var/run/ipc.state.report",
    dbgipc: `${HOME}/agent/data/ipc.dbg.agent`,
    plugincfg: `${HOME}/agent/etc/plugin_info.json`,
    pluginbin: `${HOME}/agent/lib`,
    pluginipc: `${HOME}/agent/data/ipc.plugin.manage`,
    runmode: 1,
    alliothread: 8,
    workerthread: 24,
    level: "error",
    ioport: 48533,
    filesvrport: 59173,
    dataport: 58625,
    btportstart: 60020,
    btportend: 60030,
    agentip: ctx.lanIp,
    identityip: ctx.lanIp,
    bizid: 0,
    cloudid: 0,
    recvthread: 5,
    timeout: 120,
    tasknum: 100,
    thriftport: 48669,
    trunkport: 48331,
    dbproxyport: 58817,
    apiserverport: 50002,
    procport: 50000,
    peer_exchange_switch_for_agent: 0,
    zkhost: zk.zkhost,
    ...(zk.zkauth === undefined ? {} : { zkauth: zk.zkauth }),
    btserver_is_bridge: 0,
    btserver_is_report: 1,
    clean_script_files_beginhour: 0,
    clean_script_files_maxhours: 72,
    clean_script_files_stepcount: 100,
  };
  return `${JSON.stringify(conf, null, 4)}\n`;
}

/** The GSE agent node-man installs on every BlueKing host: its config, gsectl, its log folder. */
export function gseAgentFiles(ctx: TreeContext, zk: { zkhost: string; zkauth?: string }): TreeEntry[] {
  return [
    file(NODE_LAYOUT.gse_agent_conf, agentConf(ctx, zk)),
    script(NODE_LAYOUT.gsectl, gsectlScript(ctx.sysroot, `${ctx.root}/logs/gsectl.log`)),
    dir("/var/log/gse"),
  ];
}
