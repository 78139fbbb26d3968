import { dir, file, script, symlink, type TreeEntry } from "../tree-entry.js";
import { pyHeader } from "./python.js";

/** The machine's Python with Django (Debian's python3-django): every sandbox virtualenv runs it. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/**
 * A virtualenv as `python3 -m venv --without-pip --system-site-packages --symlinks` makes it, reduced to what
 * Python reads: pyvenv.cfg beside bin/, and bin/python linked to the machine's python3 (Django comes from its
 * site-packages).
 */
export const venvFiles = (venv: string): TreeEntry[] => [
  file(`${venv}/pyvenv.cfg`, "home = /usr/bin\ninclude-system-site-packages = true\n"),
  symlink(`${venv}/bin/python`, SYSTEM_PYTHON),
  dir(`${venv}/lib`),
];

/** manage.py as the login app ships it: the settings module is `settings`. */
const MANAGE = `#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
`;

/**
 * settings.py as the login app's: conf.settings_<BK_ENV> on top (BK_ENV=production reads settings_production.py;
 * without it there is no conf.settings_development here, as on a production host). The sandbox has no MySQL for
 * login and runs Python 3 (login/conf/default.py is Python 2 here, as in paas-ce), so the database is sqlite beside
 * the code and the apps are the few the user model needs.
 */
const SETTINGS = `${pyHeader("蓝鲸 sandbox: the login app's settings (conf.settings_<BK_ENV>), its users in sqlite")}
import importlib
import os

ENVIRONMENT = os.environ.get("BK_ENV", "development")
_module = importlib.import_module("conf.settings_%s" % ENVIRONMENT)
for _name in dir(_module):
    if _name == _name.upper():
        globals()[_name] = getattr(_module, _name)

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "bkaccount"]
AUTH_USER_MODEL = "bkaccount.BkUser"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(os.path.dirname(os.path.abspath(__file__)), "login.sqlite3")}}
`;

/** bkaccount's user: username and password (AbstractBaseUser), and the fields paas-ce's BkUser adds that matter here. */
const MODELS = `${pyHeader()}
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone

from bkaccount.manager import BkUserManager


class BkUser(AbstractBaseUser, PermissionsMixin):
    username = models.CharField("用户名", max_length=128, unique=True)
    chname = models.CharField("中文名", max_length=254, blank=True)
    email = models.EmailField("邮箱", max_length=254, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = BkUserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []
`;

const MANAGER = `${pyHeader()}
from django.contrib.auth.models import BaseUserManager
from django.utils import timezone


class BkUserManager(BaseUserManager):
    def _create_user(self, username, password, is_superuser, **extra_fields):
        if not username:
            raise ValueError("please fill in username")
        now = timezone.now()
        user = self.model(username=username, is_superuser=is_superuser, last_login=now, date_joined=now, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra_fields):
        return self._create_user(username, password, False, **extra_fields)

    def create_superuser(self, username, password, **extra_fields):
        return self._create_user(username, password, True, **extra_fields)
`;

/**
 * The login app's Django, enough for its users (seed 000: `workon login`, `BK_ENV=production`, `manage.py shell`,
 * `BkUser.objects.filter(username=…)`, `set_password`, `save`): manage.py, settings.py, conf/, bkaccount's
 * BkUser and manager. The database is made by `manage.py migrate --run-syncdb` (tests do it).
 */
export function loginAppFiles(login: string): TreeEntry[] {
  return [
    script(`${login}/manage.py`, MANAGE),
    file(`${login}/settings.py`, SETTINGS),
    file(`${login}/conf/__init__.py`, ""),
    file(`${login}/bkaccount/__init__.py`, ""),
    file(`${login}/bkaccount/models.py`, MODELS),
    file(`${login}/bkaccount/manager.py`, MANAGER),
  ];
}
