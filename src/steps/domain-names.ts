/** Addresses a domain change leaves alone: loopback, IP literals, consul service names, bare hostnames. */
export function isInternalHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h.endsWith(".consul") || h.endsWith(".local")) return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":")) return true;
  // A name without a dot is resolved on the LAN (or /etc/hosts), never the public domain.
  return !h.includes(".");
}

/** `[scheme://]host[:port][/path]`, split; null when the value is not an address. */
export interface Address {
  scheme: string;
  host: string;
  rest: string;
}

const ADDRESS = /^([a-z][a-z0-9+.-]*:\/\/)?(\[[0-9a-f:.]+\]|[^:/\s?#]+)(.*)$/i;

export function splitAddress(value: string): Address | null {
  const m = ADDRESS.exec(value);
  if (!m || m[2] === undefined) return null;
  return { scheme: m[1] ?? "", host: m[2], rest: m[3] ?? "" };
}

export type Swap = { kind: "swapped"; value: string } | { kind: "same" } | { kind: "internal" } | { kind: "other" };

/** The value with its host changed from `old` to `to` (scheme, port and path kept), or why it is left. */
export function swapHost(value: string, old: string, to: string): Swap {
  const a = splitAddress(value.trim());
  if (!a) return { kind: "other" };
  const host = a.host.replace(/^\[|\]$/g, "");
  if (host.toLowerCase() === to.toLowerCase()) return { kind: "same" };
  if (host.toLowerCase() === old.toLowerCase()) return { kind: "swapped", value: value.replace(a.host, to) };
  return isInternalHost(host) ? { kind: "internal" } : { kind: "other" };
}
