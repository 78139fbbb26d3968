import { readFile, stat } from "node:fs/promises";

const cache = new Map<string, { version: string; parsed: Promise<unknown> }>();

/**
 * A file's parsed form, shared by every connection of a process: a run opens many connections with one key file and
 * one known_hosts file. The file is read and parsed again when its size or modification time changed (accept-new
 * appends to known_hosts mid-run). Errors are thrown to the caller and never kept.
 */
export async function readParsed<T>(file: string, parse: (bytes: Buffer) => T): Promise<T> {
  const info = await stat(file);
  const version = `${info.size}:${info.mtimeMs}:${info.ino}`;
  const hit = cache.get(file);
  if (hit?.version === version) return hit.parsed as Promise<T>;
  const parsed = readFile(file).then(parse);
  cache.set(file, { version, parsed });
  parsed.catch(() => { if (cache.get(file)?.parsed === parsed) cache.delete(file); });
  return parsed;
}
