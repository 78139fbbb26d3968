import { CATALOGUE, type MessageKey } from "./catalogue/index.js";
import { currentLang } from "./lang.js";

export type Params = Readonly<Record<string, string | number>>;

/** `{name}` in a template replaced by its parameter; an unknown name is left as written. */
export const fill = (template: string, params: Params): string => template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));

/** The catalogue's text for `key`, in this run's language, with its parameters filled in. */
export function t(key: MessageKey, params: Params = {}): string {
  return fill(CATALOGUE[key][currentLang()], params);
}
