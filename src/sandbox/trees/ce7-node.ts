import { CE7_ZK_NODEPORT } from "../../generations/gse-agent.js";
import type { TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";
import { gseAgentFiles } from "./gse-agent.js";
import { ZK_AUTH } from "./secrets.js";

/** BK_DOMAIN of the sandbox's bkce 7.x install (BKDocs 7.0's example domain). */
export const CE7_DOMAIN = "bkce7.bktencent.com";

/** A bkce 7.x node's GSE agent as BKDocs 7.0 leaves it: node-man's GSE environment set (a k8s node IP on the NodePort 32181, with its account). */
export const ce7NodeFiles = (ctx: TreeContext): TreeEntry[] => gseAgentFiles(ctx, { zkhost: `${ctx.lanIp}:${CE7_ZK_NODEPORT}`, zkauth: ZK_AUTH });

/**
 * A node's /etc/hosts: loopback, then what BKDocs 7.0 has operators append (配置 k8s node 的 DNS): BK_DOMAIN, bkrepo.
 * and docker. on the ingress, a line each. Every sandbox host is 127.0.0.1, the ingress too.
 */
export const ce7Hosts = (ctx: TreeContext): string =>
  `127.0.0.1   localhost localhost.localdomain\n${[CE7_DOMAIN, `bkrepo.${CE7_DOMAIN}`, `docker.${CE7_DOMAIN}`].map((n) => `${ctx.lanIp} ${n}\n`).join("")}`;
