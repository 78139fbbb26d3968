import type { Check } from "../types.js";
import { agentListener } from "./agent-listener.js";
import { appStaleSocket } from "./app-stale-socket.js";
import { bkrepoResolve } from "./bkrepo-resolve.js";
import { deployTimeout } from "./deploy-timeout.js";
import { domainConsistency } from "./domain-consistency.js";
import { esbComponents } from "./esb-components.js";
import { gseZkhost } from "./gse-zkhost.js";
import { loginConsistency } from "./login-consistency.js";
import { timeSkew } from "./time-skew.js";

/** Every check, in the order they are reported. */
export const CHECKS: readonly Check[] = [agentListener, deployTimeout, appStaleSocket, esbComponents, loginConsistency, timeSkew, domainConsistency, gseZkhost, bkrepoResolve];
