import { shellQuote as q } from "../../steps/shell-quote.js";

const GSECTL_VERBS = ["start", "stop", "restart", "reload", "status"] as const;

/**
 * node-man's `gsectl` for a sandbox host's GSE agent (no gse_agent binary runs here). Like the real one
 * (nodeman script_tools/gsectl): `gsectl ACTION [MODULE…]` (modules ignored), an unknown action prints the usage
 * and exits 255, `status` says `gse_agent: pid:… RUNNING` (0) or `gse_agent: EXIT` (2); starting reads the
 * agent's config, and a config that is not JSON fails the start (exit 1), as the agent would. Each accepted
 * start, stop, restart or reload is recorded in `log` with the zkhost the agent started with. State in the host's /run.
 */
export function gsectlScript(sysroot: string, log: string): string {
  const verbs = GSECTL_VERBS.join("|");
  return `#!/bin/bash
# bkplay sandbox: stand-in for node-man's gsectl. Knows: ${verbs}.
WORK_HOME=$(cd "\${BASH_SOURCE%/*}/.." && pwd)
STATE=${q(sysroot)}/run/gse
LOG=${q(log)}

usage() {
    echo "usage: gsectl ACTION [MODULE_NAME ... ]"
    echo "ACTION list: ${GSECTL_VERBS.join(", ")}"
}
running() { [ ! -e "$STATE/agent.stopped" ]; }
# The zkhost the agent reads at start; fails when agent.conf is not JSON.
read_conf() {
    /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("zkhost", ""))' "$WORK_HOME/etc/agent.conf" 2>/dev/null
}
record() { mkdir -p "$(dirname "$LOG")" && echo "$*" >> "$LOG"; }
start() {
    local zk
    if ! zk=$(read_conf); then echo "gse agent start failed"; return 1; fi
    mkdir -p "$STATE" && rm -f "$STATE/agent.stopped"
    record "$1 zkhost=$zk"
    echo "gse agent $1 successful"
}

action=$1
shift
case "$action" in
    start) if running; then echo "gse_agent: process:gse_agent pid:$$ etime:00:01 Already RUNNING"; else start start; fi ;;
    restart|reload) start "$action" ;;
    stop) mkdir -p "$STATE" && touch "$STATE/agent.stopped" && record stop && echo "gse agent stop successful" ;;
    status) if running; then echo "gse_agent: pid:$$ etime:00:01 RUNNING"; else echo "gse_agent: EXIT"; exit 2; fi ;;
    *) usage; exit 255 ;;
esac
`;
}
