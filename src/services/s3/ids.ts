import { randomBytes } from 'node:crypto';

/** A random id of URL-safe characters that never starts with '-': the AWS CLI reads an argument
 *  such as `--version-id -abc` as an option, so an id with a leading dash could not be passed back. */
export function randomId(bytes: number): string {
  const id = randomBytes(bytes).toString('base64url');
  return id.startsWith('-') ? `A${id.slice(1)}` : id;
}
