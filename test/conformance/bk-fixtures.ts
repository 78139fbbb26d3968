import { parse } from "yaml";

/**
 * Files a BlueKing host holds beside the genuine ones, written for these tests from the facts in BLUEKING.md
 * (values per generation, Python 2 settings with Chinese comments, the build scripts' pip lines). Not upstream text.
 */

/** bkce 5.x paas settings_production.py: the public domain and its cookie domain, internal hosts left empty. */
export const ce5PaasSettings = (domain: string, cookie: string, extra = ""): string => `# -*- coding: utf-8 -*-
# PaaS 生产环境配置（bkce 5.x）
# 平台对外访问的域名
PAAS_DOMAIN = '${domain}'
# 内部访问域名，5.x 未使用
PAAS_INNER_DOMAIN = ''
HTTP_SCHEMA = 'http'

# 登录态 cookie 的域
BK_COOKIE_DOMAIN = '${cookie}'
LOGIN_HOST = "http://127.0.0.1:8003"

HOST_CC = ''
HOST_JOB = ''
${extra}`;

/** bkce 5.x login settings_production.py: no PAAS_DOMAIN there, only the cookie domain. */
export const ce5LoginSettings = (cookie: string): string => `# -*- coding: utf-8 -*-
# 统一登录生产环境配置（bkce 5.x）
BK_COOKIE_DOMAIN = '${cookie}'
`;

/** bkce 5.x esb configs/default.py: every address internal (login and paas on loopback, with scheme). */
export const ce5EsbDefault = `# -*- coding: utf-8 -*-
# ESB 默认配置（bkce 5.x）
HOST_BK_LOGIN = 'http://127.0.0.1:8003'
PAAS_HOST = 'http://127.0.0.1:8001'
HOST_CC = '10.0.0.1:8083'
HOST_CC_V3 = '10.0.0.1:8083'
`;

/** paas conf/default.py as shipped (both 5.x and 6.x): deploy states expire after 360 s. */
export const paasDefault = `# -*- coding: utf-8 -*-
# PaaS 默认配置，settings_production.py 在其后导入并可覆盖
DEBUG = False
# 部署事件状态的过期时间（秒）
EVENT_STATE_EXPIRE_SECONDS = 360
`;

/** bkce 6.x paas settings_production.py as bkcli renders it (domain with port, HTTP_SCHEMA twice). */
export const ce6PaasSettings = (extra = ""): string => `# -*- coding: utf-8 -*-
# 由 bkcli render paas 生成
PAAS_DOMAIN = 'paas.bktencent.com:80'
PAAS_INNER_DOMAIN = 'paas.service.consul:80'
HTTP_SCHEMA = 'http'
HTTP_SCHEMA = HTTP_SCHEMA or "http"
BK_COOKIE_DOMAIN = '.bktencent.com'
${extra}`;

/** The two pip lines of bkce 5.x's virtualenv build (uwsgi, then the app's requirements), online. */
export const ce5Build = `#!/bin/bash
# 构建应用的 virtualenv（bkce 5.x）
BUILD_DIR=$1
CACHE_DIR=$2
stop_on_error() { [ "$1" -eq 0 ] || { echo "$2"; exit 1; }; }

cd "$BUILD_DIR" || exit 1
source "$CACHE_DIR/venv/bin/activate"
echo "== pip install =="
pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
stop_on_error "$?" "== uwsgi failed =="
pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
stop_on_error "$?" "== requirements failed =="
echo "== pip install done =="
`;

/** S-mart's buildsaas (bkce 5.x): uwsgi online, then the package's own wheels from its pkgs folder. */
export const ce5BuildSaas = `#!/bin/bash
# 构建 S-mart 应用（bkce 5.x）
SaaS_PATH=$1
APP_CODE=$2
PIP_LIST=$3
stop_on_error() { [ "$1" -eq 0 ] || { echo "$2"; exit 1; }; }

pip install uwsgi==2.0.13.1 -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
stop_on_error "$?" "== uwsgi failed =="
if [ -n "$PIP_LIST" ]; then
    pip install $PIP_LIST --no-index --find-links=$SaaS_PATH/$APP_CODE/pkgs
    stop_on_error "$?" "== $PIP_LIST failed =="
fi
`;

/** The seeds' build script (open-source layout): a literal index URL and trusted host. */
export const ossBuild = `#!/bin/bash
# 构建应用（开源版 paas_agent）
cd "$1" || exit 1
pip install -r requirements.txt -i http://pypi.douban.com/simple --trusted-host pypi.douban.com
[ $? -eq 0 ] || exit 1
`;
export const OSS_ONLINE = "-i http://pypi.douban.com/simple --trusted-host pypi.douban.com";

/** An operator's 5.x build script whose pip command is continued with `\` onto the next line. */
export const ce5BuildContinued = `#!/bin/bash
# 构建应用的 virtualenv（bkce 5.x，换行写法）
cd "$1" || exit 1
pip install -r requirements.txt \\
    -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
[ $? -eq 0 ] || exit 1
`;

/** bkce 6.x docker builder: online or offline by USE_PYPI, the online command continued with `\`. */
export const ce6Builder = `#!/bin/bash
# 在构建容器内安装应用依赖（bkce 6.x）
export PATH=$PYTHON_BIN_PATH:$PATH
cd "$CODE_PATH" || exit 1

if [[ "$USE_PYPI" = "true" ]]; then
    echo "== pip, online: $PYPI_SERVER_URL =="
    http_proxy=$BK_PROXY https_proxy=$BK_PROXY \\
        \${PYTHON_BIN_PATH}pip install -r requirements.txt \\
        -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST
else
    echo "== pip, offline =="
    \${PYTHON_BIN_PATH}pip install -r requirements.txt --no-index --find-links=$PACKAGES_CONTAINER_PATH
fi
[ $? -eq 0 ] || { echo "== pip failed =="; exit 1; }
`;

/** The auth values of an agent config (both secret), the non-empty ones. */
export function agentSecrets(yamlText: string): string[] {
  const doc = parse(yamlText) as { auth?: Record<string, unknown> };
  return ["sid", "token"].flatMap((k) => {
    const v = doc.auth?.[k];
    return typeof v === "string" && v !== "" ? [v] : [];
  });
}
