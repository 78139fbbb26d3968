import type { Text } from "../lang.js";
import { COMMANDS, DOCTOR, QUESTIONS } from "./commands.js";
import { ENGINE, FLEET } from "./engine.js";
import { FINDINGS, FINDINGS_AGENTS, FINDINGS_SERVICES } from "./findings.js";
import { HELP, USAGE } from "./help.js";
import { INPUT, INPUT_MORE } from "./input.js";
import { DETECT, INVENTORY } from "./inventory.js";
import { NODES } from "./nodes.js";
import { PLANS } from "./plans.js";
import { PLAYBOOK } from "./playbook.js";
import { REPORT } from "./report.js";
import { STEPS, STEPS_MORE } from "./steps.js";
import { TRANSPORT } from "./transport.js";

/** Every human text bkplay prints, in English and Chinese; `{name}` marks a parameter. Machine keys are not here. */
export const CATALOGUE = { ...HELP, ...USAGE, ...REPORT, ...PLAYBOOK, ...INPUT, ...COMMANDS, ...QUESTIONS, ...INVENTORY, ...DETECT, ...PLANS, ...ENGINE, ...TRANSPORT, ...STEPS, ...FLEET, ...DOCTOR, ...INPUT_MORE, ...FINDINGS, ...FINDINGS_SERVICES, ...FINDINGS_AGENTS, ...STEPS_MORE, ...NODES } satisfies Record<string, Text>;

export type MessageKey = keyof typeof CATALOGUE;
