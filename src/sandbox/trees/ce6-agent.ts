import { paasAgentBinary } from "../standins/paas-agent.js";
import { dir, file, script, symlink, type TreeEntry } from "../tree-entry.js";
import { agentLog, authBlock } from "./agent-config.js";
import { dockerBuilder, ONLINE_PIP } from "./build-scripts.js";
import { ce6AgentNginxFiles } from "./ce6-nginx.js";
import { agentUnit, ce6NodeFiles, UNIT_DIR } from "./ce6-system.js";
import { withFrontPort, type TreeContext } from "./context.js";

const BUILD = "paas_agent/paas_agent/etc/build/docker";

/** bk-install's rendering of the 6.x template: PaaS by its consul name, docker builds, USE_PYPI as the offline switch. */
function agentConfig(ctx: TreeContext): string {
  return `${authBlock(ctx.root, true)}settings:
  CONTROLLER_SERVER_URL: 'http://${withFrontPort(ctx, "paas.service.consul:80")}' # App Engine地址
  CERTIFICATE_SERVER_URL: 'https://license.service.consul:8443/certificate' # 证书校验服务
  CERTIFICATE_FILE_PATH: ${ctx.root}/cert
  BASE_APP_PATH: '${ctx.root}/paas_agent'
  USE_PYPI: 'true'
  USE_DOCKER: 'true'
  UID: '10000'
  GID: '10000'
  IMAGE_NAME: 'python27e:1.0'

  AGENT_LOG_PATH: ${ctx.root}/logs/paasagent/agent.log
  TEMPLATE_PATH: 'paas_agent/etc/templates'
  BUILD_PATH: 'paas_agent/etc/build'
  EXECUTE_TIME_LIMIT: 300
  PYTHON_PIP: '${ctx.pipIndex ?? "http://mirrors.tencent.com/pypi/simple/"}'

java_settings:
  IMAGE_NAME: 'bkbase/java:1.0' # java 应用的构建镜像

python3_settings:
  IMAGE_NAME: 'python36e:1.0' # python3 应用的构建镜像

port: 4245
ip: '${ctx.lanIp}'
`;
}

const APP_INSTALL = `if [[ "$USE_PYPI" = "true" ]]; then
    echo "------  online: pip source $PYPI_SERVER_URL"
    http_proxy=$BK_PROXY https_proxy=$BK_PROXY \\
        \${PYTHON_BIN_PATH}pip install -r requirements.txt \\
        ${ONLINE_PIP}
else
    echo "------  offline: packages from $PACKAGES_CONTAINER_PATH"
    \${PYTHON_BIN_PATH}pip install -r requirements.txt --no-index --find-links=$PACKAGES_CONTAINER_PATH
fi`;

const SAAS_INSTALL = `if [ -n "$PIP_LIST" ]; then
    \${PYTHON_BIN_PATH}pip install $PIP_LIST --no-index --find-links=$PACKAGES_CONTAINER_PATH
fi`;

/** A bkce 6.x agent host: rendered config linked into the agent's etc/, docker builders, bk-paasagent.service, openresty. */
export function ce6AgentFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("etc/paas_agent_config.yaml", agentConfig(ctx)),
    // install_paasagent.sh: `ln -sf $PREFIX/etc/paas_agent_config.yaml $PREFIX/paas_agent/paas_agent/etc/…`
    symlink("paas_agent/paas_agent/etc/paas_agent_config.yaml", `${ctx.root}/etc/paas_agent_config.yaml`),
    script(`${BUILD}/builder`, dockerBuilder("docker/builder", APP_INSTALL)),
    script(`${BUILD}/saas/builder`, dockerBuilder("docker/saas/builder", SAAS_INSTALL)),
    dir("paas_agent/support-files/pkgs"),
    script("paas_agent/paas_agent/bin/paas_agent", paasAgentBinary(`${ctx.root}/logs/paas_agent.log`)),
    file(`${UNIT_DIR}/bk-paasagent.service`, agentUnit(ctx)),
    dir("paas_agent/apps"),
    file("logs/paasagent/agent.log", agentLog(ctx.lanIp)),
    ...ce6NodeFiles(ctx),
    ...ce6AgentNginxFiles(ctx),
  ];
}
