import { dir, file, symlink, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";
import { supervisorConf } from "./ce5-supervisor.js";
import { loginAppFiles, venvFiles } from "./login-app.js";
import { databases, esbComponents, loginDefault, PAAS_DEFAULT, pyHeader } from "./python.js";
import { ADMIN_PASSWORD, esbToken, fakeSecretKey } from "./secrets.js";
import { uwsgiIni } from "./uwsgi.js";

/** The install's public name; the nginx front serves it (BKDocs 5.0.4: `server_name  paas.bk.com paas.service.consul;`). */
export const CE5_DOMAIN = "paas.bk.com";
export const CE5_PROGRAMS = ["paas", "login", "esb", "appengine"] as const;

const db = databases("ce5");

/**
 * paas-ce v5.1's settings_production sample as an install fills it: the public PAAS_DOMAIN (with a port on
 * every other host, as BKDocs' guides write it), empty PAAS_INNER_DOMAIN, internal LOGIN_HOST, empty
 * HOST_CC/HOST_JOB, and the EVENT_STATE_EXPIRE_SECONDS override real installs add below default.py's 360.
 */
function paasSettings(ctx: TreeContext): string {
  const domain = ctx.index % 2 === 0 ? `${CE5_DOMAIN}:80` : CE5_DOMAIN;
  return `${pyHeader("生产环境配置")}

DEBUG = False

# 生产环境使用 static 目录
if not DEBUG:
    STATIC_ROOT = 'static'

${db}
# domain
PAAS_DOMAIN = '${domain}'
# 生产环境经 nginx 反向代理访问, 不需要配置 LOGIN_DOMAIN

# inner domain, use consul domain,  for api
PAAS_INNER_DOMAIN = ''
HTTP_SCHEMA = 'http'


# cookie 名称
BK_COOKIE_NAME = 'bk_token'
# cookie 有效期
BK_COOKIE_AGE = 60 * 60 * 24
# cookie访问域
BK_COOKIE_DOMAIN = '.bk.com'

# 控制台地址
ENGINE_HOST = "http://127.0.0.1:8000"
# 登录服务地址
LOGIN_HOST = "http://127.0.0.1:8003"

# host for cc
HOST_CC = ''
# host for job
HOST_JOB = ''
# host for DATA, 数据平台监控告警系统
HOST_DATA = ''
# host for gse
HOST_GSE = ''

SECRET_KEY = '${fakeSecretKey("ce5 paas")}'

# ESB Token
ESB_TOKEN = '${esbToken()}'

# 部署事件状态的超时: 覆盖 conf/default.py 的 360, 须大于 agent 的 EXECUTE_TIME_LIMIT
EVENT_STATE_EXPIRE_SECONDS = 3600
`;
}

const LOGIN_SETTINGS = `${pyHeader("生产环境配置")}
DEBUG = False

# 生产环境使用 static 目录
if not DEBUG:
    STATIC_ROOT = 'static'

# 生产环境由 nginx 反向代理 /login/static/
SITE_URL = "/login/"
STATIC_URL = "/static/"

${db}
# 初始化用户名、密码
USERNAME = 'admin'
PASSWORD = '${ADMIN_PASSWORD}'

# inner domain, use consul domain,  for api
PAAS_INNER_DOMAIN = ''
HTTP_SCHEMA = 'http'


# cookie访问域
BK_COOKIE_DOMAIN = '.bk.com'

SECRET_KEY = '${fakeSecretKey("ce5 login")}'

# ESB Token
ESB_TOKEN = '${esbToken()}'
`;

/** ESB's configs/default.py: the login and PaaS it calls are internal addresses (with scheme); CMDB's names; no HOST_JOB. */
const ESB_DEFAULT = `${pyHeader()}
# Generic Django project settings
DEBUG = False

${databases("ce5", "# Database")}

# Log settings
LOG_LEVEL = 'INFO'

# esb app_token
ESB_TOKEN = '${esbToken()}'

# paas host
PAAS_HOST = 'http://127.0.0.1:8001'

# Third party system host
# host for bk login
HOST_BK_LOGIN = 'http://127.0.0.1:8003'

# host for cc
HOST_CC = 'cmdb.bk.com:80'

# host for cc v3 (CMDB 3.x 的组件读取此项)
HOST_CC_V3 = 'cmdb.bk.com:80'

# host for fta
HOST_FTA = ''

# Redis config
USE_SENTINEL = False
REDIS_HOST = ''
REDIS_PORT = 6379
REDIS_PASSWORD = ''
REDIS_MASTER_NAME = ''
`;

/** The open_paas side of a bkce 5.x PaaS host, run by supervisor (supervisor-open_paas.conf). */
export function ce5PaasFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("open_paas/paas/conf/settings_production.py", paasSettings(ctx)),
    file("open_paas/paas/conf/default.py", PAAS_DEFAULT),
    file("open_paas/login/conf/settings_production.py", LOGIN_SETTINGS),
    file("open_paas/login/conf/default.py", loginDefault(2)),
    ...loginAppFiles("open_paas/login"),
    ...venvFiles(".envs/login"),
    file("open_paas/esb/configs/default.py", ESB_DEFAULT),
    ...esbComponents("open_paas/esb/components"),
    dir("open_paas/appengine"),
    ...CE5_PROGRAMS.map((m) => file(`etc/uwsgi-open_paas-${m}.ini`, uwsgiIni(ctx, m))),
    file("etc/supervisor-open_paas.conf", supervisorConf(ctx, "open_paas", CE5_PROGRAMS.map((p) => ({ name: p, directory: `${ctx.root}/open_paas/${p}` })))),
    // BKDocs runs the supervisorctl of open_paas's virtualenv; here it is the machine's own.
    symlink(".envs/open_paas/bin/supervisorctl", "/usr/bin/supervisorctl"),
    dir("logs/open_paas"),
  ];
}
