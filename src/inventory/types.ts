import type { SourceLocation } from "../errors.js";
import type { HostKeyPolicy } from "../transport/types.js";

/** Connection settings as written in an inventory (top level, group or host); later levels override. */
export interface SshSettings {
  user?: string;
  port?: number;
  identity_file?: string;
  known_hosts?: string;
  host_key_checking?: HostKeyPolicy;
  connection?: "ssh" | "local";
  connect_timeout?: number;
}

/** One host after precedence (host > group > top level) was applied. */
export interface Host {
  name: string;
  address: string;
  port: number;
  user: string;
  /** Groups in the order they appear in the inventory (not the implicit `all`, which holds every host). */
  groups: string[];
  vars: Record<string, unknown>;
  ssh: Required<Pick<SshSettings, "host_key_checking" | "connection" | "connect_timeout">> &
    Pick<SshSettings, "identity_file" | "known_hosts">;
  /** Where the host is declared (first declaration). */
  source: SourceLocation;
}

export type InventoryFormat = "native" | "ansible" | "install.config";

export interface Inventory {
  file: string;
  format: InventoryFormat;
  /** In declaration order, each name once. */
  hosts: Host[];
  /** Group name → member host names, in declaration order. */
  groups: Record<string, string[]>;
}
