/** Ansible's host ranges in INI host names: `web[01:03]`, `db-[a:c]`, `app[0:10:2]`; several in one name multiply. */

export const MAX_RANGE_HOSTS = 10_000;
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The names `pattern` stands for (itself when it has no range), or what is wrong with its range. */
export function expandHostRange(pattern: string): string[] | { error: string } {
  let names = [pattern];
  for (;;) {
    const next: string[] = [];
    let expanded = false;
    for (const name of names) {
      const m = /^([^[]*)\[([^\]]*:[^\]]*)\](.*)$/.exec(name);
      if (!m) {
        next.push(name);
        continue;
      }
      expanded = true;
      const [, head = "", body = "", tail = ""] = m;
      const values = rangeValues(body);
      if ("error" in values) return { error: `host range [${body}] ${values.error}` };
      for (const v of values) next.push(`${head}${v}${tail}`);
      if (next.length > MAX_RANGE_HOSTS) return { error: `'${pattern}' expands to more than ${MAX_RANGE_HOSTS} hosts` };
    }
    if (!expanded) return next;
    names = next;
  }
}

function rangeValues(body: string): string[] | { error: string } {
  const bounds = body.split(":");
  if (bounds.length > 3) return { error: "must be [begin:end] or [begin:end:step]" };
  const [begin = "", end = "", step = "1"] = bounds;
  const by = Number(step);
  if (!/^[1-9]\d*$/.test(step)) return { error: `has step '${step}'; it must be a positive integer` };
  if (end === "") return { error: "must give an end" };
  const from = begin === "" ? "0" : begin;
  if (/^[A-Za-z]$/.test(from) && /^[A-Za-z]$/.test(end)) {
    const [i, j] = [LETTERS.indexOf(from), LETTERS.indexOf(end)];
    if (i > j) return { error: "must not begin after it ends" };
    const out: string[] = [];
    for (let k = i; k <= j; k += by) out.push(LETTERS.charAt(k));
    return out;
  }
  if (!/^\d+$/.test(from) || !/^\d+$/.test(end)) return { error: "must be numbers or single letters" };
  const width = from.length > 1 && from.startsWith("0") ? from.length : 0;
  if (width > 0 && end.length !== width) return { error: "must give begin and end with the same number of digits" };
  const [i, j] = [Number(from), Number(end)];
  if (i > j) return { error: "must not begin after it ends" };
  if ((j - i) / by >= MAX_RANGE_HOSTS) return { error: `expands to more than ${MAX_RANGE_HOSTS} hosts` };
  const out: string[] = [];
  for (let k = i; k <= j; k += by) out.push(String(k).padStart(width, "0"));
  return out;
}
