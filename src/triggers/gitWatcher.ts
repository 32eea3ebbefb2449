// Watches one local git repository's refs (fs.watch on the git directory and its refs/ tree,
// debounced) and reports each branch or tag that moved: no polling. A repository that does not
// exist yet is waited for by watching its parent folder.
import fs from 'node:fs';
import path from 'node:path';
import { gitDir, listRefs } from '../git/git.js';
import type { Logger } from '../util/log.js';

export interface RefChange {
  ref: string;
  /** The commit before the change (undefined: a new ref). */
  from?: string;
  /** The commit after it. */
  to: string;
}

export const DEBOUNCE_MS = 40;

export class RepoWatcher {
  private watchers: fs.FSWatcher[] = [];
  private refs: Map<string, string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** Resolves once the first snapshot of the refs is taken (or the repository is known to be missing). */
  readonly ready: Promise<void>;

  constructor(
    readonly repoPath: string,
    private readonly onChange: (repoPath: string, changes: RefChange[]) => void,
    private readonly log: Logger,
  ) {
    this.ready = this.attach();
  }

  private async attach(): Promise<void> {
    const dir = await gitDir(this.repoPath).catch(() => undefined);
    if (this.closed) return;
    if (!dir) return this.waitForRepository();
    this.refs = await listRefs(this.repoPath).catch(() => new Map<string, string>());
    if (this.closed) return;
    this.watch(dir, false);
    this.watch(path.join(dir, 'refs'), true);
  }

  /**
   * Waits for the repository to appear: watches the nearest existing folder on the way to it (and,
   * once the repository folder exists, its .git folder), re-aiming closer as folders appear, since a
   * non-recursive watch sees only its own folder's entries (mkdir -p, then git init, then a commit).
   */
  private waitForRepository() {
    this.waitTargets = this.targetsOnTheWay();
    for (const t of this.waitTargets) this.watch(t, false, () => this.checkForRepository());
    // Anything that appeared between the look and the watch.
    this.checkForRepository();
  }

  private waitTargets: string[] = [];
  private checking = false;
  private recheck = false;

  private targetsOnTheWay(): string[] {
    const target = path.resolve(this.repoPath);
    let dir = target;
    while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const dotGit = path.join(target, '.git');
    return dir === target && fs.existsSync(dotGit) ? [dir, dotGit] : [dir];
  }

  private checkForRepository() {
    if (this.refs || this.closed) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    void gitDir(this.repoPath).then(async (found) => {
      this.checking = false;
      if (this.refs || this.closed) return;
      if (found) {
        this.unwatch();
        await this.attach();
        // Everything already in a repository that appeared counts as pushed.
        const refs = this.refs as Map<string, string> | undefined;
        if (refs && !this.closed) {
          const created = [...refs].map(([ref, to]) => ({ ref, to }));
          if (created.length) this.onChange(this.repoPath, created);
        }
        return;
      }
      const targets = this.targetsOnTheWay();
      if (targets.join('\u0000') !== this.waitTargets.join('\u0000')) {
        this.unwatch();
        this.recheck = false;
        this.waitForRepository();
        return;
      }
      if (this.recheck) {
        this.recheck = false;
        this.checkForRepository();
      }
    });
  }

  private watch(target: string, recursive: boolean, handler?: () => void) {
    try {
      const w = fs.watch(target, { recursive, persistent: false }, () => (handler ? handler() : this.poke()));
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
  }
}
