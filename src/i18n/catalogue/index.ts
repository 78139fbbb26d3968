import type { Text } from "../lang.js";
import { HELP, USAGE } from "./help.js";

/** Every human text bkplay prints, in English and Chinese; `{name}` marks a parameter. Machine keys are not here. */
export const CATALOGUE = { ...HELP, ...USAGE } satisfies Record<string, Text>;

export type MessageKey = keyof typeof CATALOGUE;
