import { shellQuote as q } from "../../steps/shell-quote.js";

/**
 * The paas_agent binary ignores its arguments: `paas_agent restart` starts a second agent, which cannot
 * listen on 4245 while the first runs. The stand-in records the call in `log` and fails the way that
 * second agent would.
 */
export function paasAgentBinary(log: string): string {
  return `#!/bin/bash
# bkplay sandbox: stand-in for the paas_agent binary (it takes no arguments; its service manager runs it).
mkdir -p "$(dirname ${q(log)})"
echo "$*" >> ${q(log)}
echo "paas_agent: listen tcp 0.0.0.0:4245: bind: address already in use" >&2
exit 1
`;
}
