/**
 * What a GSE agent 1.0 config (`agent.conf`, JSON, rendered by node-man) says about the install it belongs to.
 * node-man writes `"zkhost": "<ip>:<port>,…"` from its access point's zookeeper list.
 */

/** The zookeeper NodePort of bkce 7.x: node-man's GSE environment takes any k8s node IP on it (BKDocs 7.0, 配置 GSE 环境管理). */
export const CE7_ZK_NODEPORT = 32181;

/** agent.conf's settings; undefined when the text is not a JSON object (the agent cannot start with it). */
export function agentSettings(conf: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(conf.replace(/^\uFEFF/, ""));
    return typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** agent.conf's `zkhost`; undefined when the text is not a JSON object holding a string zkhost. */
export function agentZkHost(conf: string): string | undefined {
  const zk = agentSettings(conf)?.zkhost;
  return typeof zk === "string" ? zk : undefined;
}

/** The `host:port` entries of a zkhost. */
function zkEntries(zkhost: string): { host: string; port: string }[] {
  return zkhost.split(",").map((e) => e.trim()).filter((e) => e !== "").map((e) => {
    const at = e.lastIndexOf(":");
    return at < 0 ? { host: e, port: "" } : { host: e.slice(0, at), port: e.slice(at + 1) };
  });
}

/**
 * Still node-man's placeholder (`bk-zookeeper:2181`): bkce 7.x node-man's default access point names zookeeper by its
 * Kubernetes service, which a node outside the cluster cannot resolve (seed 003 "agent is not connect to gse server";
 * BKDocs 7.0 troubles.md).
 */
export const isPlaceholderZk = (zkhost: string): boolean => zkEntries(zkhost).some((e) => e.host === "bk-zookeeper");

/**
 * zkhost points at bkce 7.x's zookeeper: the bk-zookeeper service or the NodePort 32181. 5.x agents list zookeeper
 * IPs on 2181 and 6.x `zk.service.consul:2181` (bk-install gse.env BK_GSE_ZK_HOST): neither is 7.x's.
 */
export const isCe7Zk = (zkhost: string): boolean => isPlaceholderZk(zkhost) || zkEntries(zkhost).some((e) => e.port === String(CE7_ZK_NODEPORT));
