// Watches one local git repository's refs (fs.watch on the git directory and its refs/ tree,
// debounced) and reports each branch or tag that moved: no polling. A repository that does not
// exist yet is waited for through the shared folder watches (folderWatch.ts), looking only at the
// one entry on the way to it that can change next, with file-system checks: no git process runs
// until the folder looks like a repository.
import fs from 'node:fs';
import path from 'node:path';
import { gitDir, listRefs, looksLikeRepository } from '../git/git.js';
import type { Logger } from '../util/log.js';
import type { FolderWatches } from './folderWatch.js';

export interface RefChange {
  ref: string;
  /** The commit before the change (undefined: a new ref). */
  from?: string;
  /** The commit after it. */
  to: string;
}

export const DEBOUNCE_MS = 40;

/** The entries of a git directory that make it one (git init writes them last to first). */
const GIT_DIR_ENTRIES = ['HEAD', 'objects', 'refs', 'commondir'];

const exists = (p: string) => {
  try {
    return fs.existsSync(p);
  } catch {
    return false;
  }
};

const isDirectory = (p: string) => {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
};

/**
 * What a missing repository waits for next: the folder to watch and the entries of it that matter.
 * Missing folders on the way: the nearest existing one, for the next name towards the repository.
 */
export function waitingAim(repoPath: string): { folder: string; names: string[] } {
  const target = path.resolve(repoPath);
  if (!exists(target)) {
    let dir = target;
    while (!exists(path.dirname(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return { folder: path.dirname(dir), names: [path.basename(dir)] };
  }
  const dotGit = path.join(target, '.git');
  if (isDirectory(dotGit)) return { folder: dotGit, names: GIT_DIR_ENTRIES };
  // A working tree to be (its .git) or a bare repository to be (its own entries).
  return { folder: target, names: ['.git', ...GIT_DIR_ENTRIES] };
}

export class RepoWatcher {
  private watchers: fs.FSWatcher[] = [];
  private refs: Map<string, string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** Set while attaching: a file event arrived before the first read of the refs finished. */
  private poked = false;
  private attaching = false;
  /** Resolves once the first snapshot of the refs is taken (or the repository is known to be missing). */
  readonly ready: Promise<void>;

  constructor(
    readonly repoPath: string,
    private readonly onChange: (repoPath: string, changes: RefChange[]) => void,
    private readonly log: Logger,
    private readonly folders: FolderWatches,
  ) {
    this.ready = this.attach(false);
  }

  /**
   * Watches the git directory, then reads the refs: a ref written before the watch is in the read, one
   * written after it raises an event (read again once the first read is done). `appeared`: the
   * repository was waited for, so nothing in it has been seen yet and every ref counts as pushed.
   */
  private async attach(appeared: boolean, known?: string): Promise<void> {
    const dir = known ?? (await gitDir(this.repoPath).catch(() => undefined));
    if (this.closed) return;
    if (!dir) return this.waitForRepository();
    this.attaching = true;
    this.poked = false;
    this.watch(dir, false);
    this.watch(path.join(dir, 'refs'), true);
    try {
      if (appeared) {
        this.refs = new Map();
        await this.refresh();
      } else {
        this.refs = await listRefs(this.repoPath).catch(() => new Map<string, string>());
      }
    } finally {
      this.attaching = false;
    }
    if (this.poked && !this.closed) this.poke();
  }

  private waitAim: string | undefined;
  private waitUnsubscribe: (() => void)[] = [];
  private checking = false;
  private recheck = false;

  /** Waits for the repository to appear (see waitingAim), re-aiming closer as folders appear. */
  private waitForRepository() {
    if (this.closed) return;
    this.aim();
    // Anything that appeared between the look and the watch.
    this.checkForRepository();
  }

  /** Watches what the repository waits for now; answers whether that changed (look again then). */
  private aim(): boolean {
    for (let tries = 0; tries < 10; tries++) {
      const { folder, names } = waitingAim(this.repoPath);
      const key = `${folder}\u0000${names.join('\u0000')}`;
      if (key === this.waitAim) return tries > 0;
      this.stopWaiting();
      const offs = names.map((name) =>
        this.folders.on(folder, name, (gone) => {
          if (gone) this.stopWaiting();
          this.checkForRepository();
        }),
      );
      this.waitUnsubscribe.push(...offs.filter((o) => o !== undefined));
      // The folder vanished between the look and the watch: look again.
      if (offs.every((o) => o !== undefined)) {
        this.waitAim = key;
        return true;
      }
    }
    return false; // keeps vanishing: wait for the next event
  }

  private stopWaiting() {
    for (const off of this.waitUnsubscribe.splice(0)) off();
    this.waitAim = undefined;
  }

  private checkForRepository() {
    if (this.refs || this.closed || this.attaching) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    // File-system checks only until the folder looks like a repository; a new aim looks once more
    // (what it waits for may have appeared before its watch began).
    if (!looksLikeRepository(this.repoPath)) {
      if (this.aim()) this.checkForRepository();
      return;
    }
    this.checking = true;
    void gitDir(this.repoPath).then(async (found) => {
      if (this.refs || this.closed) return;
      if (found) {
        this.stopWaiting();
        await this.attach(true, found);
        this.checking = false;
        return;
      }
      this.checking = false;
      if (this.aim() || this.recheck) {
        this.recheck = false;
        this.checkForRepository();
      }
    });
  }

  private watch(target: string, recursive: boolean) {
    try {
      const w = fs.watch(target, { recursive, persistent: false }, () => this.poke());
      w.on('error', () => undefined);
      this.watchers.push(w);
    } catch (e) {
      this.log.debug(`trigger: cannot watch ${target}: ${(e as Error).message}`);
    }
  }

  private unwatch() {
    for (const w of this.watchers.splice(0)) w.close();
  }

  /** A file under the git directory changed: re-read the refs once things settle. */
  poke() {
    if (this.closed) return;
    if (this.attaching) {
      this.poked = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Re-reads the refs and reports what moved since the last read (one read at a time). */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again && !this.closed);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async readOnce() {
    if (!this.refs || this.closed) return;
    let now: Map<string, string>;
    try {
      now = await listRefs(this.repoPath);
    } catch {
      return;
    }
    if (this.closed) return;
    const changes: RefChange[] = [];
    for (const [ref, to] of now) {
      const from = this.refs.get(ref);
      if (from !== to) changes.push({ ref, from, to });
    }
    this.refs = now;
    if (changes.length) this.onChange(this.repoPath, changes);
  }

  /**
   * The refs as last read (undefined while the repository is missing). Every move between an earlier
   * read and this one has already been reported to onChange, every later one will be.
   */
  snapshot(): ReadonlyMap<string, string> | undefined {
    return this.refs && !this.closed ? new Map(this.refs) : undefined;
  }

  /** Settles any pending debounce (for tests and shutdown). */
  async idle(): Promise<void> {
    await this.ready;
    while (this.timer || this.running) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.refresh();
      }
      if (this.running) await this.running;
    }
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unwatch();
    this.stopWaiting();
  }
}
