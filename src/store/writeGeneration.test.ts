import { describe, expect, it } from 'vitest';
import { openDb } from './db.js';
import { Store } from './index.js';

describe('the write generation', () => {
  it('is one count per connection: a second Store on it sees the writes of statements the first one prepared', () => {
    const { db, location } = openDb({ inMemory: true, dataDir: '' });
    const first = new Store(db, location);
    const insert = db.prepare("INSERT INTO tags (arn, key, value, position) VALUES ('arn', 'k', 'v', 0)");
    const second = new Store(db, location);
    const before = second.writeGeneration();
    insert.run();
    expect(second.writeGeneration()).toBe(before + 1);
    expect(first.writeGeneration()).toBe(second.writeGeneration());
    first.close();
  });
});
