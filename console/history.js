// A pipeline's executions (paginated as the API pages them), and one execution: its stages and actions
// on a timeline drawn to scale, its variables, its source revisions and its artifacts (the zips in the
// S3 store, downloadable).
import { useEffect, useState } from 'preact/hooks';
import { call, callAll, download, follow } from './api.js';
import { ErrorBox, Pairs, Status, duration, href, html, when } from './ui.js';

const PAGE = 20;

const revisionsOf = (e) =>
  (e.sourceRevisions ?? []).map((r) => html`<div class="revision"><code>${(r.revisionId ?? '').slice(0, 12)}</code> ${r.revisionSummary ?? ''}</div>`);

export function History({ name }) {
  const [pages, setPages] = useState([undefined]);
  const [index, setIndex] = useState(0);
  const [rows, setRows] = useState(undefined);
  const [next, setNext] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => follow(name, () => setTick((t) => t + 1)), [name]);
  useEffect(() => {
    let live = true;
    call('ListPipelineExecutions', { pipelineName: name, maxResults: PAGE, ...(pages[index] && { nextToken: pages[index] }) }).then(
      (out) => live && (setRows(out.pipelineExecutionSummaries ?? []), setNext(out.nextToken), setError(undefined)),
      (e) => live && setError(e),
    );
    return () => (live = false);
  }, [index, tick]);
  const goNext = () => {
    setPages([...pages.slice(0, index + 1), next]);
    setIndex(index + 1);
  };
  return html`<section aria-labelledby="history-title">
    <p class="crumbs"><a href="#/">Pipelines</a> / <a href=${href('pipelines', name)}>${name}</a></p>
    <h1 id="history-title">Execution history</h1>
    <${ErrorBox} error=${error} />
    ${rows === undefined
      ? html`<p class="loading">Loading...</p>`
      : html`<table class="list" aria-label="Executions">
          <thead><tr><th>Execution ID</th><th>Status</th><th>Trigger</th><th>Source revisions</th><th>Started</th><th>Duration</th></tr></thead>
          <tbody>${rows.map(
            (e) => html`<tr>
              <td><a href=${href('pipelines', name, 'executions', e.pipelineExecutionId)}>${e.pipelineExecutionId}</a></td>
              <td><${Status} status=${e.status} />${e.statusSummary && html`<div class="muted">${e.statusSummary}</div>`}</td>
              <td>${e.trigger?.triggerType ?? ''}${e.executionType === 'ROLLBACK' ? ' (rollback)' : ''}</td>
              <td>${revisionsOf(e)}</td>
              <td>${when(e.startTime)}</td>
              <td>${duration(e.lastUpdateTime - e.startTime)}</td>
            </tr>`,
          )}</tbody>
        </table>
        <nav class="pager" aria-label="Pages">
          <button disabled=${index === 0} onClick=${() => setIndex(index - 1)}>Previous page</button>
          <span>Page ${index + 1}</span>
          <button disabled=${!next} onClick=${goNext}>Next page</button>
        </nav>`}
  </section>`;
}

/**
 * Each stage (from its first action's start to its last action's last update) and its actions, as
 * bars on one scale for the whole execution.
 */
function Timeline({ actions, stages }) {
  const timed = actions.filter((a) => a.startTime);
  if (!timed.length) return html`<p class="muted">No action has run in this execution.</p>`;
  const end = (a) => a.lastUpdateTime ?? a.startTime;
  const t0 = Math.min(...timed.map((a) => a.startTime));
  const t1 = Math.max(...timed.map(end), t0 + 0.001);
  const span = t1 - t0;
  const pct = (t) => ((t - t0) / span) * 100;
  const rows = [];
  for (const stage of stages) {
    const mine = timed.filter((a) => a.stageName === stage.name).sort((a, b) => a.startTime - b.startTime);
    if (!mine.length) continue;
    const failed = mine.find((a) => a.status === 'Failed');
    const running = mine.find((a) => a.status === 'InProgress');
    const status = failed ? 'Failed' : running ? 'InProgress' : mine[mine.length - 1].status;
    rows.push({ stage: true, label: stage.name, start: Math.min(...mine.map((a) => a.startTime)), end: Math.max(...mine.map(end)), status });
    for (const a of mine) rows.push({ stage: false, label: a.actionName, start: a.startTime, end: end(a), status: a.status });
  }
  return html`<figure class="timeline" aria-label="Timeline">
    <div class="scale"><span>${when(t0)}</span><span>${duration(span)}</span><span>${when(t1)}</span></div>
    <ol>
      ${rows.map(
        (r) => html`<li class=${r.stage ? 'stage-row' : 'action-row'}>
          <span class="label">${r.label}</span>
          <span class="track"><span class=${`bar status-${(r.status ?? '').toLowerCase()}`}
            style=${{ left: `${pct(r.start).toFixed(2)}%`, width: `max(2px, ${(pct(r.end) - pct(r.start)).toFixed(2)}%)` }}
            title=${`${r.status}: ${when(r.start)} to ${when(r.end)}`}></span></span>
          <span class="when">${duration(r.end - r.start)} <${Status} status=${r.status} /></span>
        </li>`,
      )}
    </ol>
  </figure>`;
}

export function ExecutionDetail({ name, id }) {
  const [data, setData] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => follow(name, () => setTick((t) => t + 1)), [name]);
  useEffect(() => {
    let live = true;
    Promise.all([
      call('GetPipelineExecution', { pipelineName: name, pipelineExecutionId: id }),
      callAll('ListActionExecutions', { pipelineName: name, filter: { pipelineExecutionId: id }, maxResults: 100 }, 'actionExecutionDetails', 1000),
      call('GetPipeline', { name }),
    ]).then(
      ([e, actions, p]) => live && (setData({ execution: e.pipelineExecution, actions, stages: p.pipeline.stages }), setError(undefined)),
      (e) => live && setError(e),
    );
    return () => (live = false);
  }, [tick]);
  const [downloadError, setDownloadError] = useState(undefined);
  const artifacts = (data?.actions ?? []).flatMap((a) =>
    (a.output?.outputArtifacts ?? []).filter((o) => o.s3location).map((o) => ({ action: `${a.stageName} / ${a.actionName}`, ...o })),
  );
  return html`<section aria-labelledby="execution-title">
    <p class="crumbs"><a href="#/">Pipelines</a> / <a href=${href('pipelines', name)}>${name}</a> / <a href=${href('pipelines', name, 'history')}>Execution history</a></p>
    <h1 id="execution-title">Execution ${id}</h1>
    <${ErrorBox} error=${error ?? downloadError} />
    ${data &&
    html`<p><${Status} status=${data.execution.status} /> ${data.execution.statusSummary ?? ''} · trigger ${data.execution.trigger?.triggerType ?? ''}
        ${data.execution.trigger?.triggerDetail ? ` (${data.execution.trigger.triggerDetail})` : ''} · mode ${data.execution.executionMode ?? ''}</p>
      <h2>Timeline</h2>
      <${Timeline} actions=${data.actions} stages=${data.stages} />
      <h2>Variables</h2>
      <${Pairs} label="Pipeline variables" pairs=${Object.fromEntries((data.execution.variables ?? []).map((v) => [v.name, v.resolvedValue]))} />
      <h2>Source revisions</h2>
      <ul aria-label="Source revisions">${(data.execution.artifactRevisions ?? []).map((r) => html`<li>${r.name}: <code>${r.revisionId}</code> ${r.revisionSummary ?? ''}</li>`)}</ul>
      <h2>Artifacts</h2>
      ${artifacts.length === 0
        ? html`<p class="muted">No artifacts.</p>`
        : html`<ul class="artifacts">${artifacts.map(
            (a) => html`<li>${a.name} <span class="muted">(from ${a.action}, s3://${a.s3location.bucket}/${a.s3location.key})</span>
              <button class="small" onClick=${() => download(a.s3location.bucket, a.s3location.key, `${a.name}.zip`).catch(setDownloadError)}>Download ${a.name}</button></li>`,
          )}</ul>`}`}
  </section>`;
}
