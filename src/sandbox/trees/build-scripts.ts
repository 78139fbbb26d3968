/**
 * The scripts paas_agent runs to build an app, written from the facts of BLUEKING.md: virtualenv builds
 * (oss, ce5) install with one-line `pip install … -i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST`;
 * ce6 builds inside a docker container, continuing the pip command onto a second line and calling
 * `${PYTHON_BIN_PATH}pip`, offline (USE_PYPI false) from the packages mounted at /data/pkgs/.
 */

/** A virtualenv build: fetch or unpack the code, the pip lines, then (re)start the app's own supervisord. */
export function virtualenvBuild(what: string, fetch: string, pipLines: readonly string[]): string {
  return `#!/bin/bash
# ${what}: paas_agent 部署应用时调用, 建立应用的 virtualenv 并安装依赖
exec 2>&1

fail_if() { if [ "$1" != "0" ]; then echo "$2"; exit "$1"; fi; }

CODE_PATH="$APP_PATH/code"
CONF_PATH="$APP_PATH/conf"
RUN_PATH="$APP_PATH/run"
mkdir -p "$CODE_PATH" "$CONF_PATH" "$RUN_PATH" "$LOG_PATH"
export WORKON_HOME="\${BASE_APP_PATH}apps/Envs"

${fetch}

source "$WORKON_HOME/$APP_CODE/bin/activate"
cd "$CODE_PATH/$APP_CODE" || exit 1

echo "------pip install------"
${pipLines.map((line) => `${line}\nfail_if "$?" "------pip install fail------"`).join("\n")}
echo "------pip install success------"

# 应用进程由它自己的 supervisord 管理: sock 文件存在即视为在运行
if [ -e "$RUN_PATH/supervisord.sock" ]; then
    supervisorctl -c "$CONF_PATH/supervisord.conf" update
    supervisorctl -c "$CONF_PATH/supervisord.conf" restart all
else
    supervisord -c "$CONF_PATH/supervisord.conf"
fi
echo "Job Done"
`;
}

export const ONLINE_PIP = "-i $PYPI_SERVER_URL --trusted-host $PYPI_SERVER_HOST";

export const GIT_FETCH = `cd "$CODE_PATH" && rm -rf "$APP_CODE"
git clone "$VCS_PATH" "$APP_CODE"
fail_if "$?" "------get app_code fail------"`;

export const SAAS_UNPACK = `cd "$SaaS_PATH" || exit 1
tar -xzf "$FILE_NAME"
fail_if "$?" "------extract app_code fail------"
rm -rf "\${CODE_PATH:?}/$APP_CODE" && mv "$SaaS_PATH/$APP_CODE/src" "$CODE_PATH/$APP_CODE"`;

/** A ce6 docker builder: runs in the build container; `install` is the pip step, online or offline. */
export function dockerBuilder(what: string, install: string): string {
  return `#!/bin/bash
# ${what}: 在构建容器内执行, 安装应用的 python 依赖后交给 starter
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec 2>&1

CODE_PATH=\${APP_CONTAINER_PATH}"code"
PYTHON_BIN_PATH="/cache/.bk/env/bin/"
PACKAGES_CONTAINER_PATH="/data/pkgs/"
export PATH=$PYTHON_BIN_PATH:$PATH

cd "$CODE_PATH" || exit 1
${install}

[ $? -eq 0 ] && echo "------  pip install done" || { echo "------  pip install failed, abort"; exit 1; }

chown -R apps:apps "\${APP_CONTAINER_PATH}"
su -m apps -c "/build/starter"
`;
}
