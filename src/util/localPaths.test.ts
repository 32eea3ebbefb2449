import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownPath, withoutLocalPaths } from './localPaths.js';

describe('local paths in answers', () => {
  const data = path.join(os.homedir(), 'work', 'data');
  it('names a path under the data folder relative to it, any other by its last segment', () => {
    expect(shownPath(path.join(data, 'git', 'acme', 'app'), data)).toBe("the data folder's git/acme/app");
    expect(shownPath('/srv/repos/app', data)).toBe("'app'");
    expect(shownPath(data, data)).toBe("'data'");
    expect(shownPath(path.join(data, '..', 'data-other', 'x'), data)).toBe("'x'");
  });
  it('takes the data, temporary and home folders out of a message, the longest first', () => {
    const msg = `ENOENT: no such file or directory, open '${path.join(data, 'builds', 'x')}'; see ${path.join(os.tmpdir(), 'b')} and ${path.join(os.homedir(), 'h.js')}`;
    expect(withoutLocalPaths(msg, data)).toBe(
      `ENOENT: no such file or directory, open '${path.join('<data folder>', 'builds', 'x')}'; see ${path.join('<temp folder>', 'b')} and ${path.join('~', 'h.js')}`,
    );
  });
});
