// The project rules CodeBuild checks beyond its model, as the API's InvalidInputException.
import { ProjectInputError } from '../../builds/projectDocument.js';
import { invalidInput } from './errors.js';

/** Runs `fn`; a broken project rule becomes InvalidInputException with CodeBuild's message. */
export function asApiInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProjectInputError) throw invalidInput(e.message);
    throw e;
  }
}
