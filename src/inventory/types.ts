import type { SourceLocation } from "../errors.js";
import type { ConfigurableField, HostKeyPolicy } from "../transport/types.js";

/** Connection settings as written in an inventory (top level, group or host); later levels override. */
export interface SshSettings {
  user?: string;
  port?: number;
  identity_file?: string;
  known_hosts?: string;
  host_key_checking?: HostKeyPolicy;
  connection?: "ssh" | "local";
  connect_timeout?: number;
  /** Names of environment variables holding secrets: an inventory never holds them in clear. */
  passphrase_env?: string;
  password_env?: string;
  /** Jump hosts, `[user@]host[:port]`, comma-separated (OpenSSH ProxyJump). */
  jump?: string;
  /** Run the batched scripts through sudo (also the host/group var `become`). */
  become?: boolean;
  become_user?: string;
  become_password_env?: string;
}

/** Settings passed through to the connection and the remote shell as written, when given. */
export const PASSED_SSH_SETTINGS = ["identity_file", "known_hosts", "passphrase_env", "password_env", "jump", "become", "become_user", "become_password_env"] as const;

/** One host after precedence (host > group > top level) was applied. */
export interface Host {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Groups in the order they appear in the inventory (not the implicit `all`, which holds every host). */
  groups: string[];
  vars: Record<string, unknown>;
  ssh: Required<Pick<SshSettings, "host_key_checking" | "connection" | "connect_timeout">> & Pick<SshSettings, (typeof PASSED_SSH_SETTINGS)[number]>;
  /** Connection fields the inventory left at defaults, which the operator's ssh_config may set. */
  defaulted: ConfigurableField[];
  /** Where the host is declared (first declaration). */
  source: SourceLocation;
}

export type InventoryFormat = "native" | "ansible-yaml" | "ansible-ini" | "install.config";

export interface Inventory {
  file: string;
  format: InventoryFormat;
  /** In declaration order, each name once. */
  hosts: Host[];
  /** Group name → member host names, in declaration order. */
  groups: Record<string, string[]>;
}
