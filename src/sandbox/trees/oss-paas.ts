import { dashboardScript } from "../standins/dashboard.js";
import { dir, file, script, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";
import { loginAppFiles, venvFiles } from "./login-app.js";
import { databases, esbComponents, loginDefault, PAAS_DEFAULT, pyHeader } from "./python.js";
import { ADMIN_PASSWORD, esbToken, fakeSecretKey } from "./secrets.js";

export const OSS_MODULES = ["all", "paas", "login", "esb", "appengine"] as const;

const db = databases("oss");

/** The seeds' layout (BKDocs 5.1 FAQ): sources under open_paas/src, public names everywhere, no port. */
const PAAS_SETTINGS = `${pyHeader("正式环境配置, 覆盖 conf/default.py")}
DEBUG = False

${db}
# domain
PAAS_DOMAIN = 'paas.bk.com'
# cookie 访问域
BK_COOKIE_DOMAIN = '.bk.com'

# host for cc
HOST_CC = 'cmdb.bk.com'
# host for job
HOST_JOB = 'job.bk.com'

SECRET_KEY = '${fakeSecretKey("oss paas")}'
ESB_TOKEN = '${esbToken()}'
`;

const LOGIN_SETTINGS = `${pyHeader("正式环境配置")}
DEBUG = False

${db}
# cookie 访问域
BK_COOKIE_DOMAIN = '.bk.com'

# 初始化用户名、密码
USERNAME = 'admin'
PASSWORD = '${ADMIN_PASSWORD}'

SECRET_KEY = '${fakeSecretKey("oss login")}'
`;

/** ESB names the login by the public domain in this layout (seed 001's domain-change steps edit it). */
const ESB_DEFAULT = `${pyHeader()}
DEBUG = False

${databases("oss", "# Database")}
# esb app_token
ESB_TOKEN = '${esbToken()}'

# Third party system host
# host for bk login
HOST_BK_LOGIN = 'paas.bk.com'
# host for cc
HOST_CC = 'cmdb.bk.com'
# host for job
HOST_JOB = 'job.bk.com'
# host for gse
HOST_GSE = '10.0.0.3:48667'

# 请求第三方系统的超时(秒)
REQUEST_TIMEOUT_SECS = 30
`;

/** The open_paas side of a host in the seeds' layout, controlled by bin/dashboard.sh. */
export function ossPaasFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("open_paas/src/paas/conf/settings_production.py", PAAS_SETTINGS),
    file("open_paas/src/paas/conf/default.py", PAAS_DEFAULT),
    file("open_paas/src/login/conf/settings_production.py", LOGIN_SETTINGS),
    file("open_paas/src/login/conf/default.py", loginDefault(2)),
    ...loginAppFiles("open_paas/src/login"),
    ...venvFiles("open_paas/Envs/login"),
    file("open_paas/src/esb/configs/default.py", ESB_DEFAULT),
    ...esbComponents("open_paas/src/esb/components"),
    script("open_paas/bin/dashboard.sh", dashboardScript("open_paas", OSS_MODULES, `${ctx.root}/logs/dashboard.log`)),
    dir("open_paas/logs"),
  ];
}
