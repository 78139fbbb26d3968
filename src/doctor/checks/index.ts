import type { Check } from "../types.js";
import { agentController } from "./agent-controller.js";
import { agentListener } from "./agent-listener.js";
import { agentStartup } from "./agent-startup.js";
import { appStaleSocket } from "./app-stale-socket.js";
import { bkrepoResolve } from "./bkrepo-resolve.js";
import { deployTimeout } from "./deploy-timeout.js";
import { domainConsistency } from "./domain-consistency.js";
import { esbComponents } from "./esb-components.js";
import { gseZkhost } from "./gse-zkhost.js";
import { loginConsistency } from "./login-consistency.js";
import { mysqlDatadir } from "./mysql-datadir.js";
import { mysqlGrants } from "./mysql-grants.js";
import { paasHealthz } from "./paas-healthz.js";
import { pipOffline } from "./pip-offline.js";
import { timeSkew } from "./time-skew.js";
import { timeZone } from "./time-zone.js";

/** Every check, in the order they are reported. */
export const CHECKS: readonly Check[] = [
  agentListener, deployTimeout, appStaleSocket, esbComponents, loginConsistency, timeSkew, domainConsistency,
  paasHealthz, agentController, agentStartup, pipOffline, mysqlGrants, mysqlDatadir, timeZone,
  gseZkhost, bkrepoResolve,
];
