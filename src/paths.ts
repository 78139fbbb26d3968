import { resolve } from "node:path";

/** The installed package's root (this file lives in dist/src/). */
export const packageRoot = resolve(import.meta.dirname, "../..");
export const shippedPlaybooksDir = resolve(packageRoot, "playbooks");
export const schemasDir = resolve(packageRoot, "schemas");
