import type { PaasGeneration } from "../../generations/layouts.js";
import { DB_PASSWORD } from "./secrets.js";
import { dir, file, type TreeEntry } from "../tree-entry.js";

/** The licence docstring open_paas's Python files open with; `note` is the file's own line inside it. */
export function pyHeader(note?: string): string {
  return `# -*- coding: utf-8 -*-
"""
Tencent is pleased to support the open source community by making 蓝鲸智云PaaS平台社区版 (BlueKing PaaS Community Edition) available.
Copyright (C) 2017-2018 THL A29 Limited, a Tencent company. All rights reserved.
Licensed under the MIT License (the "License"); you may not use this file except in compliance with the License.
You may obtain a copy of the License at http://opensource.org/licenses/MIT
Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
specific language governing permissions and limitations under the License.
${note === undefined ? "" : `\n${note}\n`}""" # noqa
`;
}

/** The MySQL each generation's settings name, and the user open_paas logs in as (ce6: bk-install's `paas`). */
export const DB_OF: Readonly<Record<PaasGeneration, { host: string; user: string }>> = {
  oss: { host: "10.0.0.2", user: "root" },
  ce5: { host: "10.0.0.2", user: "root" },
  ce6: { host: "mysql-paas.service.consul", user: "paas" },
};

/** The DATABASES block paas, login and esb each carry (one database, open_paas). */
export function databases(g: PaasGeneration, comment = "# 数据库配置信息"): string {
  const { host, user } = DB_OF[g];
  return `${comment}
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': 'open_paas',
        'USER': '${user}',
        'PASSWORD': '${DB_PASSWORD}',
        'HOST': '${host}',
        'PORT': '3306',
    }
}
`;
}

/** paas/conf/default.py: the shipped defaults settings_production.py overrides (paas/settings.py imports both, in that order). */
export const PAAS_DEFAULT = `${pyHeader("Django settings for paas project: defaults shared by every environment.")}
import os
import sys
import time
from django.utils.functional import SimpleLazyObject

PROJECT_PATH = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT, PROJECT_MODULE_NAME = os.path.split(PROJECT_PATH)
BASE_DIR = os.path.dirname(os.path.dirname(PROJECT_PATH))

APP_ID = 'bk_paas'
DEBUG = True
ALLOWED_HOSTS = ['*']
CSRF_COOKIE_NAME = 'bk_csrftoken'

SITE_URL = '/'
STATIC_URL = SITE_URL + 'static/'

# 时区
TIME_ZONE = 'Etc/GMT%+d' % ((time.altzone if time.daylight else time.timezone) / 3600)

# cookie名称
BK_COOKIE_NAME = 'bk_token'
# cookie 有效期, 默认为一天
BK_COOKIE_AGE = 60 * 60 * 24

# APP_ENGINE 部署事件的状态查询超时
# 实时轮询的判定时间, 必须大于 agent 的 EXECUTE_TIME_LIMIT (300)
EVENT_STATE_EXPIRE_SECONDS = 360
# 历史事件的判定时间: 15 分钟
HISTORY_EVENT_STATE_EXPIRE_SECONDS = 900

# 应用的访问地址, 由 HTTP_SCHEMA 与 PAAS_DOMAIN 拼出
APP_TEST_URL = SimpleLazyObject(lambda: '%s://%s/t/{app_code}/' % (
    getattr(sys.modules['django.conf'].settings, 'HTTP_SCHEMA'),
    getattr(sys.modules['django.conf'].settings, 'PAAS_DOMAIN')))
APP_PROD_URL = SimpleLazyObject(lambda: '%s://%s/o/{app_code}/' % (
    getattr(sys.modules['django.conf'].settings, 'HTTP_SCHEMA'),
    getattr(sys.modules['django.conf'].settings, 'PAAS_DOMAIN')))

# 第三方系统地址, 在 settings_production.py 中配置
HOST_CC = ""
HOST_JOB = ""

LOGGING_DIR = os.environ.get('PAAS_LOGGING_DIR') or os.path.join(PROJECT_ROOT, 'logs')
`;

/**
 * login/conf/default.py: Python 2 in oss and ce5 (`except ImportError, e:`), Python 3 in ce6; its post-login
 * redirect is built from HTTP_SCHEMA and PAAS_DOMAIN.
 */
export function loginDefault(python: 2 | 3): string {
  return `${pyHeader()}
import os
import sys
from django.utils.functional import SimpleLazyObject

PROJECT_PATH = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT, PROJECT_MODULE_NAME = os.path.split(PROJECT_PATH)
BASE_DIR = os.path.dirname(os.path.dirname(PROJECT_PATH))

DEBUG = True
ALLOWED_HOSTS = ['*']
CSRF_COOKIE_NAME = 'bklogin_csrftoken'
SITE_URL = '/login/'

# 登录方式: 蓝鲸登录 bk_login, 或自定义登录 custom_login
LOGIN_TYPE = 'bk_login'
CUSTOM_LOGIN_VIEW = ''
CUSTOM_AUTHENTICATION_BACKEND = ''
try:
    custom_conf_module = __import__("ee_login.settings_login", globals(), locals(), ['*'])
    LOGIN_TYPE = getattr(custom_conf_module, 'LOGIN_TYPE', 'bk_login')
    CUSTOM_LOGIN_VIEW = getattr(custom_conf_module, 'CUSTOM_LOGIN_VIEW', '')
    CUSTOM_AUTHENTICATION_BACKEND = getattr(custom_conf_module, 'CUSTOM_AUTHENTICATION_BACKEND', '')
${python === 2 ? "except ImportError, e:" : "except ImportError as e:"}
    LOGIN_TYPE = 'bk_login'

# 登录成功后跳转的地址
LOGIN_COMPLETE_URL = SimpleLazyObject(lambda: "%s://%s%s" % (
    getattr(sys.modules['django.conf'].settings, 'HTTP_SCHEMA'),
    getattr(sys.modules['django.conf'].settings, 'PAAS_DOMAIN'),
    getattr(sys.modules['django.conf'].settings, 'SITE_URL')))

# 登录票据有效期(秒)
BK_TOKEN_EXPIRE_SECONDS = 86400
`;
}

/** ESB's components package: custom components go below it, every folder a Python package. */
export function esbComponents(components: string): TreeEntry[] {
  return [
    file(`${components}/__init__.py`, pyHeader()),
    file(`${components}/generic/__init__.py`, pyHeader()),
    file(`${components}/generic/apis/__init__.py`, pyHeader()),
    dir(`${components}/bk/apis`),
  ];
}
