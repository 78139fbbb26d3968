import type { HelpConfiguration, Option } from "commander";
import { cells } from "../i18n/width.js";
import { t } from "../i18n/t.js";
import type { MessageKey } from "../i18n/catalogue/index.js";

const TITLES: Readonly<Record<string, MessageKey>> = {
  "Usage:": "help.title.usage",
  "Arguments:": "help.title.arguments",
  "Options:": "help.title.options",
  "Global Options:": "help.title.globalOptions",
  "Commands:": "help.title.commands",
};

/** Commander's help in the run's language, aligned by display cells (a Chinese character is two). */
export const localHelp: HelpConfiguration = {
  styleTitle: (title) => {
    const key = TITLES[title];
    return key === undefined ? title : t(key);
  },
  displayWidth: (s) => cells(s),
  optionDescription: (o: Option) => {
    const extra: string[] = [];
    if (o.argChoices) extra.push(t("help.choices", { choices: o.argChoices.map((c) => JSON.stringify(c)).join(", ") }));
    // Shown where commander shows it: options that take a value, and booleans with a boolean default.
    const shows = o.required || o.optional || (o.isBoolean() && typeof o.defaultValue === "boolean");
    if (o.defaultValue !== undefined && shows) extra.push(t("help.default", { value: o.defaultValueDescription ?? JSON.stringify(o.defaultValue) }));
    return extra.length > 0 ? `${o.description} (${extra.join(", ")})` : o.description;
  },
};
