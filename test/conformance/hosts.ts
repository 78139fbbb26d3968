import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import { ce5EsbDefault, ce5LoginSettings, ce5PaasSettings, ce6PaasSettings, paasDefault } from "./bk-fixtures.js";
import { readReal } from "./genuine.js";
import type { Group, Lab, LabHost } from "./lab.js";

type Opts = { pinned?: boolean };

/** A bkce 5.x paas host serving `domain`: settings written from BLUEKING.md's 5.x values, supervisor for open_paas (a marker). */
export function ce5Paas(lab: Lab, name: string, domain: string, cookie: string, opts: Opts & { extra?: string } = {}): LabHost {
  const paas = lab.host(name, "paas", "ce5", opts);
  paas.put(paas.layout.paas_settings, ce5PaasSettings(domain, cookie, opts.extra));
  paas.put(paas.layout.paas_default, paasDefault);
  paas.put(paas.layout.login_settings, ce5LoginSettings(cookie));
  paas.put(paas.layout.esb_settings, ce5EsbDefault);
  paas.putSupervisor("supervisor-open_paas.conf", ["paas", "login", "esb", "appengine"]);
  return paas;
}

/** A bkce 6.x paas host as bk-install leaves it: rendered settings, esb/conf (a marker), /etc/blueking/env, bk-paas units. */
export function ce6Paas(lab: Lab, name: string, opts: Opts & { extra?: string } = {}): LabHost {
  const paas = lab.host(name, "paas", "ce6", opts);
  paas.put(paas.layout.paas_settings, ce6PaasSettings(opts.extra));
  paas.put(paas.layout.paas_default, paasDefault);
  paas.put(paas.layout.login_settings, "# -*- coding: utf-8 -*-\nPAAS_DOMAIN = 'paas.bktencent.com:80'\nBK_COOKIE_DOMAIN = '.bktencent.com'\n");
  paas.put(paas.layout.esb_settings, "# -*- coding: utf-8 -*-\nHOST_BK_LOGIN = 'paas.service.consul:80'\nPAAS_HOST = 'paas.service.consul:80'\n");
  paas.put("/etc/blueking/env", "BK_DOMAIN=bktencent.com\n");
  for (const m of ["paas", "login", "esb", "appengine", "console", "apigw"]) paas.putUnit(`bk-paas-${m}.service`);
  return paas;
}

/** A host holding a genuine nginx paas.conf where its generation keeps it; 6.x hosts get bk-install's env file (a marker). */
export function nginxHost(lab: Lab, name: string, generation: Generation, real: string, opts: Opts = {}): { host: LabHost; conf: string } {
  const host = lab.host(name, "nginx", generation, opts);
  const conf = host.putReal(host.layout.nginx_paas_conf ?? "", real);
  lab.nginxLogsOf(readReal(real));
  if (generation === "ce6") {
    host.put("/etc/blueking/env", "BK_DOMAIN=bktencent.com\n");
    host.putUnit("openresty.service");
  }
  return { host, conf };
}

/**
 * An App Engine agent host holding a genuine paas_agent_config.yaml (etc/, linked from paas_agent/paas_agent/etc/),
 * the service unit its generation restarts it by, and its build script(s) when given.
 */
export function agentHost(lab: Lab, name: string, generation: Generation, real: string, opts: Opts & { group?: Group; builds?: string[] } = {}): { host: LabHost; config: string } {
  const host = lab.host(name, opts.group ?? "appo", generation, opts);
  const config = host.putAgentConfig(real);
  host.putUnit(generation === "ce6" ? "bk-paasagent.service" : "paasagent.service");
  host.layout.agent_build_scripts.forEach((path, i) => {
    const text = opts.builds?.[i];
    if (text !== undefined) host.put(path, text);
  });
  return { host, config };
}
