import { hostname, userInfo } from "node:os";

/** Who is running bkplay, as audit entries, plans and host locks name them: `user@controller-host`. */
export const operatorId = (): string => `${userInfo().username}@${hostname()}`;
