import { createHash } from "node:crypto";
import { standInScript } from "./tree-entry.js";
import type { TreeEntry } from "./tree-entry.js";

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

function agentConfig(root: string): string {
  // Stable per host, so a reset tree is byte-identical, yet each host has its own secrets.
  const secret = (label: string): string => createHash("sha256").update(`${root}:${label}`).digest("hex").slice(0, 32);
  return `auth:
  # 在开发者中心注册的服务器 sid / token, 请勿泄露
  sid: ${secret("sid")}
  token: ${secret("token")}
settings:
  CONTROLLER_SERVER_URL: 'http://paas.bk.com' # App Engine地址
  # paas_agent 安装目录
  BASE_PATH: ${quote(`${root}/paas_agent`)}
  # SaaS 部署目录
  BASE_APP_PATH: ${quote(`${root}/paas_agent/apps`)}
  # 日志目录
  AGENT_LOG_PATH: ${quote(`${root}/logs/paas_agent`)}
  # 部署超时时间(秒)
  EXECUTE_TIME_LIMIT: 300
  # pip 源
  PYTHON_PIP: 'http://pypi.douban.com/simple/'
port: 4245
ip: ''
`;
}

const BUILD_SCRIPT = `#!/bin/bash
# 构建 SaaS 的 python 虚拟环境, 部署时由 paas_agent 调用
set -e

BUILD_DIR=$1
CACHE_DIR=$2
PYPI_SERVER_URL=\${PYPI_SERVER_URL:-http://pypi.douban.com/simple/}
PYPI_SERVER_HOST=\${PYPI_SERVER_HOST:-pypi.douban.com}

cd "$BUILD_DIR"
source "$CACHE_DIR/venv/bin/activate"

# uwsgi 版本固定
pip install uwsgi==2.0.13.1 -i http://pypi.douban.com/simple --trusted-host pypi.douban.com
# 安装 SaaS 依赖
pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
`;

/** A bkce 5.x App Engine agent host (appo or appt): its config, the symlink to it, the build script. */
export function agentFiles(root: string): TreeEntry[] {
  return [
    { kind: "file", path: "etc/paas_agent_config.yaml", content: agentConfig(root) },
    { kind: "symlink", path: "paas_agent/paas_agent/etc/paas_agent_config.yaml", target: "../../../etc/paas_agent_config.yaml" },
    { kind: "file", path: "paas_agent/etc/build/virtualenv/build", content: BUILD_SCRIPT, mode: 0o755 },
    { kind: "file", path: "paas_agent/paas_agent/bin/paas_agent", content: standInScript(3, "paas_agent.log", "paas_agent"), mode: 0o755 },
    { kind: "dir", path: "paas_agent/pkg" },
    { kind: "dir", path: "paas_agent/apps/projects" },
    { kind: "dir", path: "logs/paas_agent" },
  ];
}
