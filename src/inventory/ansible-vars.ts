import type { Problem, SourceLocation } from "../errors.js";
import { controlProblem } from "../source/control-chars.js";
import type { YamlSource } from "../source/yaml-file.js";
import { ansibleClearSecret } from "./clear-secrets.js";
import type { Layer } from "./draft.js";
import type { SshSettings } from "./types.js";

const CONNECTIONS: Record<string, SshSettings["connection"]> = { local: "local", ssh: "ssh", smart: "ssh", paramiko: "ssh" };

/** Where the variable `key` was written: its location, and its key path in a YAML file. */
export type Locator = (key: string) => { location: SourceLocation; path?: string };

export function yamlLocator(source: YamlSource, path: readonly string[]): Locator {
  return (key) => ({ location: source.locate([...path, key]), path: [...path, key].join(".") });
}

/**
 * Translate Ansible variables into our settings: the connection variables we understand become ssh settings,
 * `ansible_become(_user)` are kept as the vars `become(_user)`, a password in clear is refused, other `ansible_*`
 * variables are ignored, the rest stay vars.
 */
export function ansibleLayer(
  vars: Record<string, unknown>,
  where: Locator,
  problems: Problem[],
  isHost: boolean,
): { layer: Layer; address?: { value: string; at: SourceLocation } } {
  const plain: Record<string, unknown> = {};
  const ssh: SshSettings = {};
  let address: { value: string; at: SourceLocation } | undefined;
  for (const [key, value] of Object.entries(vars)) {
    const at = where(key);
    const fail = (message: string): void => {
      problems.push({ message: `${key} ${message}`, ...at });
    };
    const text = (): string | undefined => {
      if (typeof value === "string" && value !== "") return value;
      fail("must be a non-empty string");
      return undefined;
    };
    switch (key) {
      case "ansible_host": {
        const host = text();
        if (!isHost) fail("only makes sense on a host, not in group vars");
        else if (host !== undefined) address = { value: host, at: at.location };
        break;
      }
      case "ansible_port": {
        const port = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof port === "number" && Number.isInteger(port) && port >= 1 && port <= 65535) ssh.port = port;
        else fail(`must be a port number from 1 to 65535, not ${JSON.stringify(value)}`);
        break;
      }
      case "ansible_user":
        setIfDefined(ssh, "user", text());
        break;
      case "ansible_ssh_private_key_file":
        setIfDefined(ssh, "identity_file", text());
        break;
      case "ansible_connection": {
        const connection = typeof value === "string" ? CONNECTIONS[value] : undefined;
        if (connection) ssh.connection = connection;
        else fail(`must be one of ${Object.keys(CONNECTIONS).join(", ")} (bkplay runs over ssh or locally)`);
        break;
      }
      case "ansible_become":
        plain.become = value;
        break;
      case "ansible_become_user":
        plain.become_user = value;
        break;
      default: {
        const secret = ansibleClearSecret(key);
        if (secret !== null) problems.push({ message: secret, ...at });
        // Other connection tuning (ansible_python_interpreter, ansible_ssh_common_args, ...) has no meaning here.
        else if (!key.startsWith("ansible_")) {
          const control = controlProblem(value, `variable '${key}'`, at.location);
          if (control) problems.push(at.path === undefined ? control : { ...control, path: at.path });
          else plain[key] = value;
        }
      }
    }
  }
  const layer: Layer = { vars: plain, ssh };
  return address ? { layer, address } : { layer };
}

function setIfDefined(ssh: SshSettings, key: "user" | "identity_file", value: string | undefined): void {
  if (value !== undefined) ssh[key] = value;
}
