// Custom action types (owner Custom) per account and region. Deleted versions stay, marked, so
// that they cannot be created again, as AWS forbids.
import type { Db } from './db.js';

export class ActionTypeStore {
  constructor(private readonly db: Db) {}
}
