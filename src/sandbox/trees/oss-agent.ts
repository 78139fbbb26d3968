import { dashboardScript } from "../standins/dashboard.js";
import { dir, file, script, type TreeEntry } from "../tree-entry.js";
import { agentLog, authBlock } from "./agent-config.js";
import { paasAgentConf } from "./agent-nginx.js";
import { ONLINE_PIP, GIT_FETCH, virtualenvBuild } from "./build-scripts.js";
import { withFrontPort, type TreeContext } from "./context.js";
import { OSS_AGENT_CONF, ossNginxInstall } from "./oss-nginx.js";

/** The seeds' agent config: in paas_agent/etc, naming PaaS by its public domain. */
function agentConfig(ctx: TreeContext): string {
  return `${authBlock(ctx.root, false)}settings:
  CONTROLLER_SERVER_URL: 'http://${withFrontPort(ctx, "paas.bk.com")}' # App Engine地址
  BASE_PATH: '${ctx.root}/paas_agent'
  BASE_APP_PATH: '${ctx.root}/'
  AGENT_LOG_PATH: '${ctx.root}/paas_agent/var/log/agent.log'
  TEMPLATE_PATH: 'etc/templates'
  BUILD_PATH: 'etc/build'
  # 部署超时时间(秒)
  EXECUTE_TIME_LIMIT: 300
  PYTHON_PIP: '${ctx.pipIndex ?? "http://pypi.douban.com/simple/"}'
port: 4245
ip: ''
`;
}

/** An App Engine agent host in the seeds' layout: config, build script and nginx block in paas_agent/etc, dashboard.sh. */
export function ossAgentFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("paas_agent/etc/paas_agent_config.yaml", agentConfig(ctx)),
    script("paas_agent/etc/build/build", virtualenvBuild("paas_agent/etc/build/build", GIT_FETCH, [`pip install -r requirements.txt ${ONLINE_PIP}`])),
    script("paas_agent/bin/dashboard.sh", dashboardScript("paas_agent", ["all"], `${ctx.root}/logs/paas_agent.log`)),
    dir("paas_agent/pkg"),
    file("paas_agent/var/log/agent.log", agentLog("")),
    dir("apps/projects"),
    file(OSS_AGENT_CONF, paasAgentConf(ctx, `${ctx.root}/apps/projects`)),
    ...ossNginxInstall(ctx),
  ];
}
