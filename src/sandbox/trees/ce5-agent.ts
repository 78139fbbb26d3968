import { paasAgentBinary } from "../standins/paas-agent.js";
import { dir, file, script, symlink, type TreeEntry } from "../tree-entry.js";
import { agentLog, authBlock } from "./agent-config.js";
import { paasAgentConf } from "./agent-nginx.js";
import { GIT_FETCH, ONLINE_PIP, SAAS_UNPACK, virtualenvBuild } from "./build-scripts.js";
import { CE5_DOMAIN } from "./ce5-paas.js";
import { withFrontPort, type TreeContext } from "./context.js";
import { ce5SystemNginx } from "./ce5-nginx.js";
import { supervisorConf } from "./ce5-supervisor.js";

const BUILD = "paas_agent/paas_agent/etc/build/virtualenv";

/** paas-ce v5.1's agent config shape: the public CONTROLLER_SERVER_URL, USE_PYPI (which this build script ignores). */
function agentConfig(ctx: TreeContext): string {
  return `${authBlock(ctx.root, false)}settings:
  CONTROLLER_SERVER_URL: 'http://${withFrontPort(ctx, CE5_DOMAIN)}' # App Engine地址
  BASE_PATH: '${ctx.root}/paas_agent' # eg. /data/paas
  BASE_APP_PATH: '${ctx.root}/paas_agent/paas_agent'
  USE_PYPI: 'true'
  AGENT_LOG_PATH: '${ctx.root}/logs/paas_agent/agent.log'
  TEMPLATE_PATH: 'etc/templates'
  BUILD_PATH: 'etc/build'
  EXECUTE_TIME_LIMIT: 300
  PYTHON_PIP: '${ctx.pipIndex ?? "http://pypi.douban.com/simple/"}'
port: 4245
ip: ''
`;
}

/**
 * A bkce 5.x App Engine agent host (appo or appt): its config in etc/ with the link the agent reads, the
 * virtualenv build scripts, a supervisor of its own for the agent (how ce5 runs the agent is not
 * documented exactly; supervisor is one real possibility), and the agent's server block for the system nginx.
 */
export function ce5AgentFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("etc/paas_agent_config.yaml", agentConfig(ctx)),
    symlink("paas_agent/paas_agent/etc/paas_agent_config.yaml", "../../../etc/paas_agent_config.yaml"),
    script(`${BUILD}/build`, virtualenvBuild("virtualenv/build", GIT_FETCH, [
      `pip install uwsgi==2.0.13.1 ${ONLINE_PIP}`,
      `pip install -r requirements.txt ${ONLINE_PIP}`,
    ])),
    script(`${BUILD}/saas/buildsaas`, virtualenvBuild("virtualenv/saas/buildsaas", SAAS_UNPACK, [
      `pip install uwsgi==2.0.13.1 ${ONLINE_PIP}`,
      "pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs",
    ])),
    script("paas_agent/paas_agent/bin/paas_agent", paasAgentBinary(`${ctx.root}/logs/paas_agent.log`)),
    file("etc/supervisor-paas_agent.conf", supervisorConf(ctx, "paas_agent", [{ name: "paas_agent", directory: `${ctx.root}/paas_agent/paas_agent` }])),
    dir("paas_agent/apps/projects"),
    file("logs/paas_agent/agent.log", agentLog("")),
    file("etc/nginx/paasagent.conf", paasAgentConf(ctx, `${ctx.root}/paas_agent/apps/projects`)),
    ...ce5SystemNginx(ctx),
  ];
}
