/** The controller's clock. BKPLAY_NOW (an ISO time) replaces it, to rehearse a change window at any hour. */
export function now(): Date {
  const fake = process.env.BKPLAY_NOW;
  return fake ? new Date(fake) : new Date();
}
