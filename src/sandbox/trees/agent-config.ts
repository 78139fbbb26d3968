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
