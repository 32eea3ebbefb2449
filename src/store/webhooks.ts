// Webhooks per account and region.
import type { Db } from './db.js';

export class WebhookStore {
  constructor(private readonly db: Db) {}
}
