/** doctor's findings: what each check found, in words (paths, keys and values as they are on the hosts). */
export const FINDINGS = {
  "doc.missingAt": { en: "{path} is missing (this host's {generation} keeps {what} there)", zh: "{path} 不存在 (此主机的 {generation} 把{what}放在那里)" },
  "doc.what.agentConfig": { en: "the agent's config", zh: " agent 的配置" },
  "doc.what.paasSettings": { en: "PaaS's settings", zh: " PaaS 的配置" },
  "doc.what.loginSettings": { en: "login's settings", zh: " login 的配置" },
  "doc.what.esbComponents": { en: "ESB's components", zh: " ESB 的组件" },
  "doc.what.nginxConf": { en: "nginx's paas.conf (or set nginx_conf in the inventory)", zh: " nginx 的 paas.conf (或在主机清单中设置 nginx_conf)" },
  "doc.notSet": { en: "not set", zh: "未设置" },
  "doc.notANumber": { en: "not a number ({value})", zh: "不是数字 ({value})" },
  "dt.limitIs": { en: "{file}: settings.EXECUTE_TIME_LIMIT is {what}", zh: "{file}: settings.EXECUTE_TIME_LIMIT {what}" },
  "dt.neither": { en: "neither {defaults} nor {settings} is there (this host's {generation} keeps PaaS's settings there)", zh: "{defaults} 和 {settings} 都不存在 (此主机的 {generation} 把 PaaS 的配置放在那里)" },
  "dt.setInNeither": { en: "EVENT_STATE_EXPIRE_SECONDS is set in neither {defaults} nor {settings}", zh: "{defaults} 和 {settings} 都没有设置 EVENT_STATE_EXPIRE_SECONDS" },
  "dt.expression": { en: "{where}: EVENT_STATE_EXPIRE_SECONDS is an expression ({value})", zh: "{where}: EVENT_STATE_EXPIRE_SECONDS 是表达式 ({value})" },
  "dt.tooShort": { en: "effective EVENT_STATE_EXPIRE_SECONDS {values} on {paas} ≤ EXECUTE_TIME_LIMIT {limit} on {agent}: PaaS gives up on a deploy the agent is still running", zh: "{paas} 上生效的 EVENT_STATE_EXPIRE_SECONDS {values} ≤ {agent} 上的 EXECUTE_TIME_LIMIT {limit}: agent 还在部署, PaaS 已经放弃等待" },
  "dc.serves": { en: "PaaS serves {domain} (PAAS_DOMAIN), but {wrong}", zh: "PaaS 使用的域名是 {domain} (PAAS_DOMAIN), 但{wrong}" },
  "dc.says": { en: "{what} on {host} says {value}", zh: " {host} 上的 {what} 为 {value}" },
  "esb.couldNotImport": { en: "ESB could not import {files}", zh: "ESB 无法导入 {files}" },
  "esb.noInit": { en: "no __init__.py in {dirs}: ESB cannot import the components below", zh: "{dirs} 中没有 __init__.py: ESB 无法导入其下的组件" },
  "login.differ.one": { en: "login settings differ between PaaS hosts: {keys} ({odd} differs from {majority})", zh: "各 PaaS 主机的 login 配置不一致: {keys} ({odd} 与 {majority} 不同)" },
  "login.differ.many": { en: "login settings differ between PaaS hosts: {keys} ({odd} differ from {majority})", zh: "各 PaaS 主机的 login 配置不一致: {keys} ({odd} 与 {majority} 不同)" },
  "clock.unreadable": { en: "could not read the clock (`date +%s`: {why})", zh: "无法读取时钟 (`date +%s`: {why})" },
  "clock.ahead": { en: "clock at least {skew} ahead of the controller's (measured across the round trip, error bound {bound}); login allows 60 s", zh: "时钟比中控机快至少 {skew} (按往返测量, 误差上限 {bound}); login 只容忍 60 秒" },
  "clock.behind": { en: "clock at least {skew} behind the controller's (measured across the round trip, error bound {bound}); login allows 60 s", zh: "时钟比中控机慢至少 {skew} (按往返测量, 误差上限 {bound}); login 只容忍 60 秒" },
  "clock.apart": { en: "clocks at least {apart} apart: {high} {ahead} ahead of the controller's, {low} {behind} behind (each measured across its round trip); login allows 60 s", zh: "时钟相差至少 {apart}: {high} 比中控机快 {ahead}, {low} 慢 {behind} (各自按往返测量); login 只容忍 60 秒" },
  "zone.unreadable": { en: "could not read the time zone (`{command}`: {why})", zh: "无法读取时区 (`{command}`: {why})" },
  "zone.other.one": { en: "{hosts} runs in {zone}, the other hosts in {usual}", zh: "{hosts} 使用时区 {zone}, 其他主机为 {usual}" },
  "zone.other.many": { en: "{hosts} run in {zone}, the other hosts in {usual}", zh: "{hosts} 使用时区 {zone}, 其他主机为 {usual}" },
} as const;

/** Findings of the checks that make requests from the hosts or read MySQL. */
export const FINDINGS_SERVICES = {
  "hz.couldNotCall": { en: "could not call the healthz: {why}", zh: "无法调用 healthz: {why}" },
  "hz.degraded": { en: "healthy, but degraded: {what}", zh: "健康, 但有降级: {what}" },
  "hz.module": { en: "{module} ({address}, from {from}): {why}", zh: "{module} ({address}, 来自 {from}): {why}" },
  "ctl.couldNotDial": { en: "could not dial: {why}", zh: "无法连接: {why}" },
  "startup.noLog": { en: "no agent log at {where}: the agent never started with this config, or logs elsewhere", zh: "{where} 没有 agent 日志: agent 从未以此配置启动过, 或日志写在别处" },
  "pip.couldNotDial": { en: "could not dial the pip index: {why}", zh: "无法连接 pip 索引: {why}" },
  "pip.noIndexSetting": { en: "{file}: no settings.{key}, though the build installs online ({why})", zh: "{file}: 没有 settings.{key}, 但构建会在线安装 ({why})" },
  "pip.cut": { en: "{why}; the build installs from it and no offline mirror is configured", zh: "{why}; 构建从它安装, 且未配置离线镜像" },
  "grants.userUnknown": { en: "which MySQL user the apps log in as is not known: set db_user in the inventory (no paas host's DATABASES was read)", zh: "不知道应用用哪个 MySQL 用户登录: 请在主机清单中设置 db_user (没有读到任何 paas 主机的 DATABASES)" },
  "grants.lacking": { en: "{mysql} does not let {user} in from {agents}", zh: "{mysql} 不允许 {user} 从 {agents} 登录" },
  "datadir.cannotRead.one": { en: "mysql cannot {verb} 1 entry of its data dir {dir}: {entries}", zh: "mysql 无法{verb}其数据目录 {dir} 中的 1 个条目: {entries}" },
  "datadir.cannotRead.many": { en: "mysql cannot {verb} {count} entries of its data dir {dir}: {entries}", zh: "mysql 无法{verb}其数据目录 {dir} 中的 {count} 个条目: {entries}" },
  "datadir.read": { en: "read", zh: "读取" },
  "datadir.use": { en: "use", zh: "使用" },
  "datadir.open.one": { en: "1 file of mysql's in {dir} is readable by other users or executable (a chmod -R went by): {entries}", zh: "{dir} 中 mysql 的 1 个文件可被其他用户读取或可执行 (有人执行过 chmod -R): {entries}" },
  "datadir.open.many": { en: "{count} files of mysql's in {dir} are readable by other users or executable (a chmod -R went by): {entries}", zh: "{dir} 中 mysql 的 {count} 个文件可被其他用户读取或可执行 (有人执行过 chmod -R): {entries}" },
} as const;

/** Findings of the agent-side checks. */
export const FINDINGS_AGENTS = {
  "listener.couldNotDial": { en: "could not dial the upstreams: {why}", zh: "无法连接各 upstream: {why}" },
  "listener.dead": { en: "{prefix} → upstream {upstream} server {server}: nothing listens (dialled from {host})", zh: "{prefix} → upstream {upstream} server {server}: 无人监听 (从 {host} 连接)" },
  "stale.couldNotList": { en: "could not list the apps' sockets: {why}", zh: "无法列出各 app 的 socket: {why}" },
  "stale.found": { en: "{apps}: supervisord.sock with no supervisord listening ({why})", zh: "{apps}: supervisord.sock 残留, 没有 supervisord 在监听 ({why})" },
  "mysql.cannotLogIn": { en: "could not log in to MySQL as {user} over {socket} ({why}); set mysql_socket (and mysql_login_user) for this host in the inventory", zh: "无法通过 {socket} 以 {user} 登录 MySQL ({why}); 请在主机清单中为此主机设置 mysql_socket (以及 mysql_login_user)" },
} as const;
