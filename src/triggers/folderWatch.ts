// Shared folder watches for things that do not exist yet: one fs.watch per folder, however many
// waiters, and an event wakes only the waiters of the entry it names. Waiting for 900 repositories
// under one folder costs one watch, and a write of an unrelated file there (the database, an S3
// object) wakes nobody.
import fs from 'node:fs';
import type { Logger } from '../util/log.js';

/** `gone`: the folder's watch ended (the folder went away): subscribe again to keep waiting. */
type Listener = (gone: boolean) => void;

interface Folder {
  watcher: fs.FSWatcher;
  /** Entry name -> the listeners waiting for it. */
  names: Map<string, Set<Listener>>;
}

export class FolderWatches {
  private readonly folders = new Map<string, Folder>();

  constructor(private readonly log: Logger) {}

  /**
   * Calls `fn` whenever the entry `name` of `folder` may have been created, changed or removed.
   * Returns the unsubscribe, or undefined when the folder cannot be watched (it vanished: re-aim).
   */
  on(folder: string, name: string, fn: Listener): (() => void) | undefined {
    let f = this.folders.get(folder);
    if (!f) {
      const names = new Map<string, Set<Listener>>();
      let watcher: fs.FSWatcher;
      try {
        watcher = fs.watch(folder, { persistent: false }, (event, filename) => this.fire(folder, event, filename?.toString()));
      } catch (e) {
        this.log.debug(`trigger: cannot watch ${folder}: ${(e as Error).message}`);
        return undefined;
      }
      // The folder itself went away: every waiter re-aims from what exists now.
      watcher.on('error', () => this.drop(folder, true));
      f = { watcher, names };
      this.folders.set(folder, f);
    }
    let set = f.names.get(name);
    if (!set) f.names.set(name, (set = new Set()));
    set.add(fn);
    const folderEntry = f;
    return () => {
      const s = folderEntry.names.get(name);
      if (!s?.delete(fn)) return;
      if (!s.size) folderEntry.names.delete(name);
      if (!folderEntry.names.size && this.folders.get(folder) === folderEntry) this.drop(folder, false);
    };
  }

  private fire(folder: string, event: string, name: string | undefined) {
    const f = this.folders.get(folder);
    if (!f) return;
    // The folder itself renamed or removed: its watch sees nothing more, every waiter re-aims.
    if (event === 'rename' && !fs.existsSync(folder)) return this.drop(folder, true);
    // Without a name (some platforms), every waiter of the folder looks.
    const sets = name === undefined ? [...f.names.values()] : [f.names.get(name)];
    for (const set of sets) for (const fn of [...(set ?? [])]) fn(false);
  }

  private drop(folder: string, wake: boolean) {
    const f = this.folders.get(folder);
    if (!f) return;
    this.folders.delete(folder);
    f.watcher.close();
    if (wake) for (const set of f.names.values()) for (const fn of [...set]) fn(true);
  }

  /** The folders watched, each with how many waiters it has (for tests and diagnostics). */
  watched(): Map<string, number> {
    return new Map([...this.folders].map(([folder, f]) => [folder, [...f.names.values()].reduce((n, set) => n + set.size, 0)]));
  }

  close() {
    for (const f of this.folders.values()) f.watcher.close();
    this.folders.clear();
  }
}
