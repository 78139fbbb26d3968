import { agentAuth } from "./secrets.js";

/**
 * The `auth:` block every paas_agent_config.yaml opens with: the sid and token App Engine registered for
 * this agent, each with an end-of-line comment (quoted in bk-install's rendering, bare in paas-ce's sample).
 */
export function authBlock(root: string, quoted: boolean): string {
  const { sid, token } = agentAuth(root);
  const v = (s: string): string => (quoted ? `'${s}'` : s);
  return `auth:
  sid: ${v(sid)}  # agent sid
  token: ${v(token)} # agent token
`;
}

/**
 * The agent's log as a started agent leaves it: paas_agent logs with Go's `log` (date, time, file:line) to
 * settings.AGENT_LOG_PATH, and writes this line once it got past its checks (CONTROLLER_SERVER_URL answered)
 * and is about to listen (legacy-bk-paas paasagent server/http.go `Run`).
 */
export function agentLog(ip: string): string {
  return `2024/05/06 10:21:33 http.go:194: Start agent Now listen on  ${ip} 4245\n`;
}
