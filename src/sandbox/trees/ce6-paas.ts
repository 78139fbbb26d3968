import { dir, file, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";
import { venvFiles } from "./login-app.js";
import { ce6NodeFiles, PAAS_TARGET, paasModuleUnit, UNIT_DIR } from "./ce6-system.js";
import { databases, esbComponents, loginDefault, PAAS_DEFAULT, pyHeader } from "./python.js";
import { ADMIN_PASSWORD, esbToken, fakeSecretKey } from "./secrets.js";
import { uwsgiIni } from "./uwsgi.js";

/** bk-install's defaults (bin/default/global.env): the public address carries its port. */
export const CE6_DOMAIN = "paas.bktencent.com";
export const CE6_MODULES = ["paas", "login", "esb", "appengine", "console", "apigw"] as const;

const RENDERED = "本文件由 bkcli render paas 根据模板渲染生成, 手工修改会在下次渲染时被覆盖";
const db = databases("ce6");

/** Domain lines paas and login share: the public domain with its port, the internal one, and HTTP_SCHEMA set twice. */
const DOMAINS = `# domain
PAAS_DOMAIN = '${CE6_DOMAIN}:80'
# inner domain, use consul domain, for api
PAAS_INNER_DOMAIN = 'paas.service.consul:80'
HTTP_SCHEMA = 'http'

# cookie访问域
BK_COOKIE_DOMAIN = '.bktencent.com'
`;

const SCHEMA_FALLBACK = `# 渲染时未提供 BK_HTTP_SCHEMA 则使用 http
HTTP_SCHEMA = HTTP_SCHEMA or "http"
`;

function paasSettings(ctx: TreeContext): string {
  return `${pyHeader(RENDERED)}
DEBUG = False

${db}
${DOMAINS}
# 控制台与登录服务: 本机内网地址
ENGINE_HOST = "http://${ctx.lanIp}:8000"
LOGIN_HOST = "http://${ctx.lanIp}:8003"

# host for cc
HOST_CC = 'cmdb.bktencent.com:80'
# host for job
HOST_JOB = 'job.bktencent.com:80'

SECRET_KEY = '${fakeSecretKey("ce6 paas")}'
ESB_TOKEN = '${esbToken()}'

${SCHEMA_FALLBACK}
# 部署事件状态的超时: 覆盖 conf/default.py 的 360
EVENT_STATE_EXPIRE_SECONDS = 3600
`;
}

const LOGIN_SETTINGS = `${pyHeader(RENDERED)}
DEBUG = False
SITE_URL = "/login/"

${db}
${DOMAINS}
# 初始化用户名、密码
USERNAME = 'admin'
PASSWORD = '${ADMIN_PASSWORD}'

SECRET_KEY = '${fakeSecretKey("ce6 login")}'
ESB_TOKEN = '${esbToken()}'

${SCHEMA_FALLBACK}`;

/** ESB reaches everything by consul names: nothing here is the public domain. */
const ESB_SETTINGS = `${pyHeader(RENDERED)}
DEBUG = False

${databases("ce6", "# Database")}
# esb app_token
ESB_TOKEN = '${esbToken()}'

# paas host
PAAS_HOST = 'paas.service.consul:80'

# Third party system host
# host for bk login
HOST_BK_LOGIN = 'paas.service.consul:80'
# host for cc
HOST_CC = 'cmdb-api.service.consul:9001'
# host for cc v3
HOST_CC_V3 = 'cmdb-api.service.consul:9001'
# host for job
HOST_JOB = 'job-gateway.service.consul:10503'
# host for usermgr
HOST_BK_USERMGR = 'bkuserapi.service.consul:8009'
`;

/** open_paas on a bkce 6.x (bk-install) host: rendered settings, esb/conf, one systemd unit per module. */
export function ce6PaasFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("open_paas/paas/conf/settings_production.py", paasSettings(ctx)),
    file("open_paas/paas/conf/default.py", PAAS_DEFAULT),
    file("open_paas/login/conf/settings_production.py", LOGIN_SETTINGS),
    file("open_paas/login/conf/default.py", loginDefault(3)),
    // paas2's login keeps no users (bk-user does): its virtualenv, no BkUser.
    ...venvFiles(".envs/open_paas-login"),
    file("open_paas/esb/conf/settings_production.py", ESB_SETTINGS),
    ...esbComponents("open_paas/esb/components"),
    ...CE6_MODULES.flatMap((m) => [
      file(`etc/uwsgi-open_paas-${m}.ini`, uwsgiIni(ctx, m)),
      file(`${UNIT_DIR}/bk-paas-${m}.service`, paasModuleUnit(ctx, m)),
    ]),
    file(`${UNIT_DIR}/bk-paas.target`, PAAS_TARGET),
    dir("logs/open_paas"),
    ...ce6NodeFiles(ctx),
  ];
}
