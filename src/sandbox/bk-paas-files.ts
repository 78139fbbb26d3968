import { PY_HEADER, standInScript } from "./tree-entry.js";
import type { TreeEntry } from "./tree-entry.js";

/** paas and login share one database (open_paas); both settings files carry the same block. */
const DATABASES = `# ===============================================================================
# 数据库设置, 正式环境数据库设置
# ===============================================================================
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': 'open_paas',
        'USER': 'root',
        'PASSWORD': 'Sandbox#Db9pass',
        'HOST': '10.0.0.2',
        'PORT': '3306',
    }
}
`;

const PAAS_SETTINGS = `${PY_HEADER}
# 在 settings_production.py 中的配置项, 会覆盖 settings.py 中的配置
from settings import *  # noqa

${DATABASES}
# domain
PAAS_DOMAIN = 'paas.bk.com'
# inner domain, use consul domain,  for api
PAAS_INNER_DOMAIN = 'paas.service.consul'
# http or https
HTTP_SCHEMA = 'http'

# cookie访问域
BK_COOKIE_DOMAIN = '.bk.com'

# cc, job, gse 的访问地址
HOST_CC = 'cmdb.bk.com:80'
HOST_JOB = 'job.bk.com:80'
HOST_GSE = '10.0.0.3:48667'
`;

const PAAS_DEFAULT = `${PY_HEADER}
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 应用部署事件轮询间隔(秒)
EVENT_STATE_POLL_INTERVAL = 5
# 实时轮询判定状态， 一定要大于agent设置的300
EVENT_STATE_EXPIRE_SECONDS = 360
# 历史事件判定状态
HISTORY_EVENT_STATE_EXPIRE_SECONDS = 900

# 应用代码包上传大小限制(M)
MAX_UPLOAD_SIZE = 500
`;

const LOGIN_SETTINGS = `${PY_HEADER}
from settings import *  # noqa

${DATABASES}
# cookie访问域
BK_COOKIE_DOMAIN = '.bk.com'

# 初始化用户名、密码
USERNAME = 'admin'
PASSWORD = 'Sandbox#Admin1'
`;

const LOGIN_DEFAULT = `${PY_HEADER}
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 登录票据有效期(秒)
BK_TOKEN_EXPIRE_SECONDS = 86400
# 登录事件状态过期时间, 与 paas 的同名配置无关
EVENT_STATE_EXPIRE_SECONDS = 180
`;

const ESB_DEFAULT = `${PY_HEADER}
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Third party system host
HOST_BK_LOGIN = 'paas.bk.com'
HOST_CC = ''
HOST_JOB = ''
HOST_GSE = ''

# Third party system certificates
SSL_ROOT_DIR = ''

# 请求超时时间(秒)
REQUEST_TIMEOUT_SECS = 30
`;

/** The open_paas side of a bkce 5.x PaaS host. */
export function paasFiles(): TreeEntry[] {
  return [
    { kind: "file", path: "open_paas/paas/conf/settings_production.py", content: PAAS_SETTINGS },
    { kind: "file", path: "open_paas/paas/conf/default.py", content: PAAS_DEFAULT },
    { kind: "file", path: "open_paas/login/conf/settings_production.py", content: LOGIN_SETTINGS },
    { kind: "file", path: "open_paas/login/conf/default.py", content: LOGIN_DEFAULT },
    { kind: "file", path: "open_paas/esb/configs/default.py", content: ESB_DEFAULT },
    { kind: "file", path: "open_paas/esb/components/__init__.py", content: PY_HEADER },
    { kind: "file", path: "open_paas/esb/components/generic/__init__.py", content: PY_HEADER },
    { kind: "file", path: "open_paas/esb/components/generic/apis/__init__.py", content: PY_HEADER },
    { kind: "file", path: "open_paas/bin/dashboard.sh", content: standInScript(2, "dashboard.log", "dashboard.sh"), mode: 0o755 },
    { kind: "dir", path: "logs/open_paas" },
  ];
}
