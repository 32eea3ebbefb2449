// A tiny leveled logger writing one line per event to stderr.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export class Logger {
  constructor(private level: LogLevel = 'info') {}
  /** Whether lines of level `l` are written (so a caller can skip building them). */
  enabled(l: LogLevel): boolean {
    return LEVELS[l] >= LEVELS[this.level];
  }
  private write(l: LogLevel, msg: string, extra?: unknown) {
    if (LEVELS[l] < LEVELS[this.level]) return;
    const line = `${new Date().toISOString()} ${l.toUpperCase()} ${msg}`;
    process.stderr.write(extra === undefined ? `${line}\n` : `${line} ${extra instanceof Error ? extra.stack : JSON.stringify(extra)}\n`);
  }
  debug = (m: string, e?: unknown) => this.write('debug', m, e);
  info = (m: string, e?: unknown) => this.write('info', m, e);
  warn = (m: string, e?: unknown) => this.write('warn', m, e);
  error = (m: string, e?: unknown) => this.write('error', m, e);
}
