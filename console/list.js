// The pipelines of the chosen account and region: name, type, execution mode, the latest execution
// (status, trigger, time). Filtered by name in the page, shown 50 at a time; refreshed every few seconds.
import { useEffect, useState } from 'preact/hooks';
import { call, callAll } from './api.js';
import { ErrorBox, Status, href, html, when } from './ui.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 3000;

export function PipelineList() {
  const [pipelines, setPipelines] = useState(undefined);
  const [latest, setLatest] = useState({});
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [error, setError] = useState(undefined);

  const shown = (pipelines ?? []).filter((p) => p.name.toLowerCase().includes(filter.toLowerCase()));
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const visible = shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const visibleNames = visible.map((p) => p.name).join('\n');

  useEffect(() => {
    let live = true;
    const load = () =>
      callAll('ListPipelines', { maxResults: 1000 }, 'pipelines').then(
        (list) => live && (setPipelines(list), setError(undefined)),
        (e) => live && setError(e),
      );
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);

  useEffect(() => {
    let live = true;
    const names = visibleNames ? visibleNames.split('\n') : [];
    Promise.all(
      names.map((name) =>
        call('ListPipelineExecutions', { pipelineName: name, maxResults: 1 }).then(
          (out) => [name, out.pipelineExecutionSummaries?.[0] ?? null],
          () => [name, null],
        ),
      ),
    ).then((entries) => live && setLatest((old) => ({ ...old, ...Object.fromEntries(entries) })));
    return () => (live = false);
  }, [visibleNames, pipelines]);

  return html`<section aria-labelledby="pipelines-title">
    <div class="title-row">
      <h1 id="pipelines-title">Pipelines</h1>
      <a class="button primary" href="#/create">Create pipeline</a>
    </div>
    <${ErrorBox} error=${error} />
    <label class="filter">Filter by name <input type="search" value=${filter} onInput=${(e) => (setFilter(e.currentTarget.value), setPage(0))} /></label>
    ${pipelines === undefined
      ? html`<p class="loading">Loading...</p>`
      : shown.length === 0
        ? html`<p class="muted">${pipelines.length ? 'No pipeline matches the filter.' : 'No pipelines in this account and region yet.'}</p>`
        : html`<table class="list" aria-label="Pipelines">
            <thead><tr><th>Name</th><th>Type</th><th>Execution mode</th><th>Latest execution</th><th>Trigger</th><th>Started</th></tr></thead>
            <tbody>
              ${visible.map((p) => {
                const e = latest[p.name];
                return html`<tr>
                  <td><a href=${href('pipelines', p.name)}>${p.name}</a></td>
                  <td>${p.pipelineType ?? 'V1'}</td>
                  <td>${p.executionMode ?? 'SUPERSEDED'}</td>
                  <td>${e ? html`<${Status} status=${e.status} />` : e === null ? html`<span class="muted">None</span>` : ''}</td>
                  <td>${e?.trigger?.triggerType ?? ''}</td>
                  <td>${when(e?.startTime)}</td>
                </tr>`;
              })}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            <button onClick=${() => setPage(page - 1)} disabled=${page === 0}>Previous page</button>
            <span>Page ${page + 1} of ${pages} (${shown.length} pipelines)</span>
            <button onClick=${() => setPage(page + 1)} disabled=${page + 1 >= pages}>Next page</button>
          </nav>`}
  </section>`;
}
