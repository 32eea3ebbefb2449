// The server log's account of pipeline progress at `info`: a line per execution, stage and action
// change as it happens, with why an action failed. Fed by the same events as /_events, so it never
// disagrees with them.
import type { Store } from '../store/index.js';
import type { EventRow } from '../store/events.js';
import type { Logger } from '../util/log.js';

function describe(store: Store, e: Omit<EventRow, 'seq'>): string {
  const d = e.detail as Record<string, any>;
  const head = `pipeline ${e.pipeline} execution ${e.executionId}:`;
  if (d.action === undefined && d.stage === undefined) {
    const trigger = d['execution-trigger']?.['trigger-type'];
    const summary = d.state === 'STARTED' ? '' : store.executions.get(e.executionId!)?.statusSummary;
    return `${head} ${d.state}${trigger && d.state === 'STARTED' ? ` (trigger: ${trigger})` : ''}${summary ? `: ${summary}` : ''}`;
  }
  if (d.action === undefined) return `${head} stage ${d.stage} ${d.state}`;
  let why = '';
  if (d.state === 'FAILED') {
    const row = store.executions.latestAction({ account: e.account, region: e.region }, e.pipeline, d.stage, d.action);
    const reason = row && row.executionId === e.executionId ? (row.errorDetails?.message ?? row.summary) : undefined;
    if (reason) why = `: ${reason}`;
  }
  return `${head} action ${d.stage}/${d.action} (${d.type?.provider}) ${d.state}${why}`;
}

/** Logs every recorded event at info level; answers the unsubscribe function. */
export function logProgress(store: Store, log: Logger): () => void {
  return store.events.subscribe((e) => {
    // The event is recorded inside its transaction: the rows it refers to are read once committed.
    setImmediate(() => {
      try {
        log.info(describe(store, e));
      } catch (error) {
        // The store closed under a late event (shutdown): nothing left to tell.
        log.debug('progress log skipped an event', error);
      }
    });
  });
}
