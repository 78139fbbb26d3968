import { expect } from "chai";
import { ConnectError } from "../../src/errors.js";
import { connect } from "../../src/transport/connect.js";
import type { ConnectSpec } from "../../src/transport/types.js";

/** Connects, expecting a ConnectError for `spec.name` with a one-line message; resolves with that message. */
export async function connectFailure(spec: ConnectSpec): Promise<string> {
  const error = await connect(spec).then(
    async (transport) => { await transport.close(); return null; },
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ConnectError);
  const message = (error as ConnectError).message;
  expect(message).not.to.include("\n");
  expect((error as ConnectError).host).to.equal(spec.name);
  return message;
}
