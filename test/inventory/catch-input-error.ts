import { InputError } from "../../src/errors.js";

/** The InputError `fn` throws; any other outcome fails the test. */
export function catchInputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}
