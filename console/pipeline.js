// The pipeline view, laid out like the AWS console's: stages in order, actions grouped by runOrder
// (parallel ones side by side), the transitions between stages, stage conditions and their rules.
// It follows the pipeline's event stream and reloads the state on each event; every button is one
// API call (the same handlers the SDK reaches).
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, follow, logText } from './api.js';
import { Dialog, ErrorBox, Pairs, SafeLink, Status, duration, href, html, when } from './ui.js';

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled', 'Abandoned']);

/** The pipeline's declaration, state and recent executions, reloaded on every event of the pipeline. */
function usePipeline(name) {
  const [data, setData] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [tick, setTick] = useState(0);
  const running = useRef(false);
  const again = useRef(false);
  const load = useRef(async () => {});
  load.current = async () => {
    // One reload at a time; events arriving meanwhile make one more.
    if (running.current) return void (again.current = true);
    running.current = true;
    try {
      const [p, state, execs] = await Promise.all([
        call('GetPipeline', { name }),
        call('GetPipelineState', { name }),
        call('ListPipelineExecutions', { pipelineName: name, maxResults: 50 }),
      ]);
      setData({ declaration: p.pipeline, metadata: p.metadata, state, executions: execs.pipelineExecutionSummaries ?? [] });
      setError(undefined);
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
    } finally {
      running.current = false;
      if (again.current) {
        again.current = false;
        load.current();
      }
    }
  };
  useEffect(() => {
    load.current();
    return follow(name, () => load.current());
  }, [name]);
  return { data, error, tick, reload: () => load.current() };
}

export function PipelineView({ name }) {
  const { data, error, tick, reload } = usePipeline(name);
  const [dialog, setDialog] = useState(undefined);
  const [actionError, setActionError] = useState(undefined);

  /** Runs one API call for a button; its error shows above the stages. */
  const act = async (operation, input) => {
    setActionError(undefined);
    try {
      await call(operation, input);
    } catch (e) {
      setActionError(e);
    }
    reload();
  };

  if (!data) return html`<div><h1>${name}</h1><${ErrorBox} error=${error} />${!error && html`<p class="loading">Loading...</p>`}</div>`;
  const { declaration, state, executions } = data;
  const stateOf = new Map((state.stageStates ?? []).map((s) => [s.stageName, s]));
  const active = executions.filter((e) => e.status === 'InProgress' || e.status === 'Stopping');
  const ctx = { name, declaration, executions, act, setDialog, tick, reload };

  return html`<div class="pipeline">
    <div class="title-row">
      <h1>${name}</h1>
      <div class="toolbar">
        <a class="button" href=${href('pipelines', name, 'edit')}>Edit declaration</a>
        <a class="button" href=${href('pipelines', name, 'history')}>Execution history</a>
        <button disabled=${active.length === 0} onClick=${() => setDialog({ kind: 'stop' })}>Stop execution</button>
        <button class="primary" onClick=${() => setDialog({ kind: 'release' })}>Release change</button>
      </div>
    </div>
    <p class="meta">
      Type ${declaration.pipelineType ?? 'V1'} · execution mode ${declaration.executionMode ?? 'SUPERSEDED'} · version ${declaration.version}
      ${executions[0] && html` · latest execution <a href=${href('pipelines', name, 'executions', executions[0].pipelineExecutionId)}>${executions[0].pipelineExecutionId}</a> <${Status} status=${executions[0].status} />`}
    </p>
    <${ErrorBox} error=${error ?? actionError} />
    <ol class="stages">
      ${declaration.stages.map((stage, i) => {
        const st = stateOf.get(stage.name) ?? {};
        return html`${i > 0 && html`<${Transition} ctx=${ctx} stage=${stage} state=${st} />`}<${Stage} ctx=${ctx} stage=${stage} state=${st} />`;
      })}
    </ol>
    ${dialog?.kind === 'release' && html`<${ReleaseDialog} ctx=${ctx} onClose=${() => setDialog(undefined)} />`}
    ${dialog?.kind === 'stop' && html`<${StopDialog} ctx=${ctx} active=${active} onClose=${() => setDialog(undefined)} />`}
    ${dialog?.kind === 'disable' && html`<${DisableDialog} ctx=${ctx} stage=${dialog.stage} onClose=${() => setDialog(undefined)} />`}
    ${dialog?.kind === 'review' && html`<${ReviewDialog} ctx=${ctx} stage=${dialog.stage} action=${dialog.action} state=${dialog.state} execution=${dialog.execution} onClose=${() => setDialog(undefined)} />`}
    ${dialog?.kind === 'rollback' && html`<${RollbackDialog} ctx=${ctx} stage=${dialog.stage} target=${dialog.target} current=${dialog.current} onClose=${() => setDialog(undefined)} />`}
  </div>`;
}

function Transition({ ctx, stage, state }) {
  const t = state.inboundTransitionState ?? { enabled: true };
  const waiting = state.inboundExecutions ?? (state.inboundExecution ? [state.inboundExecution] : []);
  return html`<li class=${`transition ${t.enabled ? '' : 'disabled'}`} role="group" aria-label=${`Transition to ${stage.name}`}>
    <span class="arrow" aria-hidden="true">↓</span>
    ${t.enabled
      ? html`<button class="small" onClick=${() => ctx.setDialog({ kind: 'disable', stage: stage.name })}>Disable transition</button>`
      : html`<span class="disabled-reason">Transition disabled: ${t.disabledReason ?? ''}${t.lastChangedBy ? ` (by ${t.lastChangedBy}, ${when(t.lastChangedAt)})` : ''}</span>
          <button class="small" onClick=${() => ctx.act('EnableStageTransition', { pipelineName: ctx.name, stageName: stage.name, transitionType: 'Inbound' })}>Enable transition</button>`}
    ${waiting.map((w) => html`<span class="held">Held: <a href=${href('pipelines', ctx.name, 'executions', w.pipelineExecutionId)}>${w.pipelineExecutionId}</a> <${Status} status=${w.status} /></span>`)}
  </li>`;
}

/** The most recent successful execution other than `current`: what a rollback goes back to. */
const rollbackTarget = (executions, current) => executions.find((e) => e.status === 'Succeeded' && e.pipelineExecutionId !== current);

function Stage({ ctx, stage, state }) {
  const latest = state.latestExecution;
  const actionStates = new Map((state.actionStates ?? []).map((a) => [a.actionName, a]));
  const groups = new Map();
  for (const a of stage.actions) {
    const order = a.runOrder ?? 1;
    groups.set(order, [...(groups.get(order) ?? []), a]);
  }
  const id = `stage-${stage.name}`;
  const retry = (retryMode) => ctx.act('RetryStageExecution', { pipelineName: ctx.name, stageName: stage.name, pipelineExecutionId: latest.pipelineExecutionId, retryMode });
  const target = latest && latest.status !== 'InProgress' && rollbackTarget(ctx.executions, latest.pipelineExecutionId);
  return html`<li>
    <section class=${`stage stage-${(latest?.status ?? 'none').toLowerCase()}`} aria-labelledby=${id}>
      <div class="stage-head">
        <h2 id=${id}>${stage.name}</h2>
        <${Status} status=${latest?.status} />
      </div>
      ${latest && html`<p class="execution">Execution <a href=${href('pipelines', ctx.name, 'executions', latest.pipelineExecutionId)}>${latest.pipelineExecutionId}</a></p>`}
      <${Condition} ctx=${ctx} stage=${stage.name} label="Entry condition" type="BEFORE_ENTRY" state=${state.beforeEntryConditionState} execution=${latest?.pipelineExecutionId} />
      <div class="groups">
        ${[...groups.keys()]
          .sort((a, b) => a - b)
          .map((order) => html`<div class="group" aria-label=${`Run order ${order}`}>
            ${groups.get(order).map((a) => html`<${Action} ctx=${ctx} stage=${stage.name} action=${a} state=${actionStates.get(a.name)} execution=${latest?.pipelineExecutionId} />`)}
          </div>`)}
      </div>
      <${Condition} ctx=${ctx} stage=${stage.name} label="Success condition" type="ON_SUCCESS" state=${state.onSuccessConditionState} execution=${latest?.pipelineExecutionId} />
      <${Condition} ctx=${ctx} stage=${stage.name} label="Failure condition" type="ON_FAILURE" state=${state.onFailureConditionState} execution=${latest?.pipelineExecutionId} />
      <div class="stage-buttons">
        ${latest?.status === 'Failed' &&
        html`<button onClick=${() => retry('FAILED_ACTIONS')}>Retry failed actions</button><button onClick=${() => retry('ALL_ACTIONS')}>Retry all actions</button>`}
        ${target && html`<button onClick=${() => ctx.setDialog({ kind: 'rollback', stage: stage.name, target, current: latest.pipelineExecutionId })}>Rollback</button>`}
      </div>
    </section>
  </li>`;
}

function Condition({ ctx, stage, label, type, state, execution }) {
  if (!state) return null;
  const status = state.latestExecution?.status;
  return html`<div class="condition" role="group" aria-label=${label}>
    <div><strong>${label}</strong> <${Status} status=${status} /> ${state.latestExecution?.summary ?? ''}</div>
    <ul class="rules">
      ${(state.conditionStates ?? []).flatMap((c) =>
        (c.ruleStates ?? []).map(
          (r) => html`<li>${r.ruleName}: <${Status} status=${r.latestExecution?.status} /> ${r.latestExecution?.summary ?? ''}
            ${r.latestExecution?.externalExecutionUrl && html` <${SafeLink} url=${r.latestExecution.externalExecutionUrl}>Logs<//>`}</li>`,
        ),
      )}
    </ul>
    ${type !== 'ON_FAILURE' && status === 'InProgress' && execution &&
    html`<button class="small" onClick=${() => ctx.act('OverrideStageCondition', { pipelineName: ctx.name, stageName: stage, pipelineExecutionId: execution, conditionType: type })}>Override</button>`}
  </div>`;
}

const providerOf = (t) => (t.owner === 'AWS' ? t.provider : `${t.provider} (${t.owner})`);

function Action({ ctx, stage, action, state, execution }) {
  const [open, setOpen] = useState(false);
  const e = state?.latestExecution;
  const isApproval = action.actionTypeId.category === 'Approval';
  return html`<div class=${`action action-${(e?.status ?? 'none').toLowerCase()}`} role="group" aria-label=${action.name}>
    <div class="action-head"><strong>${action.name}</strong> <span class="provider">${providerOf(action.actionTypeId)}</span></div>
    <div><${Status} status=${e?.status} /> ${e?.lastStatusChange && html`<span class="muted">${when(e.lastStatusChange)}</span>`}</div>
    ${e?.summary && html`<p class="summary">${e.summary}</p>`}
    ${e?.errorDetails && html`<p class="error-detail">${e.errorDetails.code ? `${e.errorDetails.code}: ` : ''}${e.errorDetails.message}</p>`}
    <div class="action-buttons">
      ${isApproval && e?.status === 'InProgress' && e.token && html`<button class="primary small" onClick=${() => ctx.setDialog({ kind: 'review', stage, action, state, execution })}>Review</button>`}
      ${e?.externalExecutionUrl && html`<${SafeLink} url=${e.externalExecutionUrl}>Logs<//>`}
      <button class="small" aria-expanded=${open} onClick=${() => setOpen(!open)}>Details</button>
    </div>
    ${open && html`<${ActionDetails} ctx=${ctx} action=${action} state=${state} execution=${execution} />`}
  </div>`;
}

/** The action's latest execution in `execution`: resolved configuration, artifacts, output variables, and its log (tailed while it runs). */
function ActionDetails({ ctx, action, state, execution }) {
  const [detail, setDetail] = useState(undefined);
  const [log, setLog] = useState(undefined);
  const url = state?.latestExecution?.externalExecutionUrl;
  const running = state?.latestExecution?.status === 'InProgress';
  useEffect(() => {
    let live = true;
    if (execution)
      call('ListActionExecutions', { pipelineName: ctx.name, filter: { pipelineExecutionId: execution } }).then(
        (out) => live && setDetail((out.actionExecutionDetails ?? []).find((d) => d.actionName === action.name) ?? null),
        () => live && setDetail(null),
      );
    return () => (live = false);
  }, [ctx.tick, execution]);
  useEffect(() => {
    if (!url) return;
    let live = true;
    const read = () => logText(url).then((t) => live && t !== undefined && setLog(t));
    read();
    const t = running ? setInterval(read, 1000) : undefined;
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [url, running, ctx.tick]);
  const input = detail?.input ?? {};
  const output = detail?.output ?? {};
  return html`<div class="details" role="region" aria-label=${`Details of ${action.name}`}>
    ${detail === undefined && html`<p class="loading">Loading...</p>`}
    <${Pairs} label="Configuration (resolved)" pairs=${input.resolvedConfiguration ?? input.configuration ?? action.configuration} />
    <p><strong>Input artifacts:</strong> ${(input.inputArtifacts ?? action.inputArtifacts ?? []).map((a) => a.name).join(', ') || 'none'}</p>
    <p><strong>Output artifacts:</strong> ${(output.outputArtifacts ?? action.outputArtifacts ?? []).map((a) => a.name).join(', ') || 'none'}</p>
    <${Pairs} label="Output variables" pairs=${output.outputVariables} />
    ${output.executionResult?.externalExecutionSummary && html`<p><strong>Result:</strong> ${output.executionResult.externalExecutionSummary}</p>`}
    ${detail?.startTime && html`<p class="muted">Started ${when(detail.startTime)}, last update ${when(detail.lastUpdateTime)} (${duration(detail.lastUpdateTime - detail.startTime)})</p>`}
    ${log !== undefined && html`<h3>Log</h3><pre class="log" aria-label=${`Log of ${action.name}`} tabindex="0">${log}</pre>`}
  </div>`;
}

function ReviewDialog({ ctx, stage, action, state, execution: stageExecution, onClose }) {
  const [comment, setComment] = useState('');
  const [decision, setDecision] = useState(undefined);
  const [detail, setDetail] = useState(undefined);
  const execution = state?.latestExecution;
  useEffect(() => {
    call('ListActionExecutions', { pipelineName: ctx.name, filter: { pipelineExecutionId: stageExecution } }).then(
      (out) => setDetail((out.actionExecutionDetails ?? []).find((d) => d.actionName === action.name && d.stageName === stage)),
      () => setDetail(null),
    );
  }, []);
  const config = detail?.input?.resolvedConfiguration ?? action.configuration ?? {};
  const submit = async () => {
    if (!decision) throw { type: 'Review', message: 'Choose Approve or Reject' };
    await call('PutApprovalResult', {
      pipelineName: ctx.name,
      stageName: stage,
      actionName: action.name,
      result: { status: decision, summary: comment },
      token: execution.token,
    });
    ctx.reload();
  };
  return html`<${Dialog} title="Review" submitLabel="Submit" onClose=${onClose} onSubmit=${submit}>
    <p>${stage} / ${action.name}</p>
    ${config.CustomData && html`<blockquote class="custom-data">${config.CustomData}</blockquote>`}
    ${config.ExternalEntityLink && html`<p>URL for review: <${SafeLink} url=${config.ExternalEntityLink} /></p>`}
    <fieldset>
      <legend>Decision</legend>
      <label><input type="radio" name="decision" checked=${decision === 'Approved'} onChange=${() => setDecision('Approved')} /> Approve</label>
      <label><input type="radio" name="decision" checked=${decision === 'Rejected'} onChange=${() => setDecision('Rejected')} /> Reject</label>
    </fieldset>
    <label class="block">Comments <textarea rows="3" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)}></textarea></label>
  <//>`;
}

function StopDialog({ ctx, active, onClose }) {
  const [abandon, setAbandon] = useState(false);
  const [reason, setReason] = useState('');
  const [id, setId] = useState(active[0]?.pipelineExecutionId);
  const submit = async () => {
    await call('StopPipelineExecution', { pipelineName: ctx.name, pipelineExecutionId: id, abandon, ...(reason && { reason }) });
    ctx.reload();
  };
  return html`<${Dialog} title="Stop execution" submitLabel="Stop" onClose=${onClose} onSubmit=${submit}>
    <label class="block">Execution
      <select value=${id} onChange=${(e) => setId(e.currentTarget.value)}>${active.map((e) => html`<option value=${e.pipelineExecutionId}>${e.pipelineExecutionId} (${e.status})</option>`)}</select>
    </label>
    <fieldset>
      <legend>How</legend>
      <label><input type="radio" name="how" checked=${!abandon} onChange=${() => setAbandon(false)} /> Stop and wait</label>
      <label><input type="radio" name="how" checked=${abandon} onChange=${() => setAbandon(true)} /> Stop and abandon</label>
    </fieldset>
    <label class="block">Reason <textarea rows="2" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea></label>
  <//>`;
}

function DisableDialog({ ctx, stage, onClose }) {
  const [reason, setReason] = useState('');
  const submit = async () => {
    await call('DisableStageTransition', { pipelineName: ctx.name, stageName: stage, transitionType: 'Inbound', reason });
    ctx.reload();
  };
  return html`<${Dialog} title="Disable transition" submitLabel="Disable" onClose=${onClose} onSubmit=${submit}>
    <p>Executions will not enter ${stage} until the transition is enabled again.</p>
    <label class="block">Reason <input type="text" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /></label>
  <//>`;
}

function RollbackDialog({ ctx, stage, target, current, onClose }) {
  // Any earlier successful execution but the one the stage holds now.
  const choices = ctx.executions.filter((e) => e.status === 'Succeeded' && e.pipelineExecutionId !== current);
  const [id, setId] = useState(target.pipelineExecutionId);
  const submit = async () => {
    await call('RollbackStage', { pipelineName: ctx.name, stageName: stage, targetPipelineExecutionId: id });
    ctx.reload();
  };
  return html`<${Dialog} title="Rollback" submitLabel="Start rollback" onClose=${onClose} onSubmit=${submit}>
    <p>Runs ${stage} again with the artifacts and variables of an earlier successful execution.</p>
    <label class="block">Target execution
      <select value=${id} onChange=${(e) => setId(e.currentTarget.value)}>
        ${choices.map((e) => html`<option value=${e.pipelineExecutionId}>${e.pipelineExecutionId} (started ${when(e.startTime)})</option>`)}
      </select>
    </label>
  <//>`;
}

const REVISION_TYPES = ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'];

function ReleaseDialog({ ctx, onClose }) {
  const variables = ctx.declaration.variables ?? [];
  const sources = ctx.declaration.stages.flatMap((s) => s.actions).filter((a) => a.actionTypeId.category === 'Source');
  const [values, setValues] = useState({});
  const [revisions, setRevisions] = useState({});
  const submit = async () => {
    const vars = variables.filter((v) => (values[v.name] ?? '') !== '').map((v) => ({ name: v.name, value: values[v.name] }));
    const overrides = sources
      .filter((a) => (revisions[a.name]?.value ?? '') !== '')
      .map((a) => ({ actionName: a.name, revisionType: revisions[a.name].type ?? 'COMMIT_ID', revisionValue: revisions[a.name].value }));
    await call('StartPipelineExecution', { name: ctx.name, ...(vars.length && { variables: vars }), ...(overrides.length && { sourceRevisions: overrides }) });
    ctx.reload();
  };
  const setRev = (name, patch) => setRevisions({ ...revisions, [name]: { ...revisions[name], ...patch } });
  return html`<${Dialog} title="Release change" submitLabel="Release" onClose=${onClose} onSubmit=${submit} wide=${true}>
    <p>Starts a new execution of ${ctx.name} with the latest source revisions, unless overridden below.</p>
    ${variables.length > 0 &&
    html`<fieldset><legend>Pipeline variables</legend>
      ${variables.map(
        (v) => html`<label class="block">${v.name}
          <input type="text" placeholder=${v.defaultValue ?? ''} value=${values[v.name] ?? ''} onInput=${(e) => setValues({ ...values, [v.name]: e.currentTarget.value })} />
          ${v.description && html`<span class="muted">${v.description}</span>`}</label>`,
      )}
    </fieldset>`}
    ${sources.length > 0 &&
    html`<fieldset><legend>Source revision overrides</legend>
      ${sources.map(
        (a) => html`<div class="revision">
          <label>Revision type for ${a.name} <select value=${revisions[a.name]?.type ?? 'COMMIT_ID'} onChange=${(e) => setRev(a.name, { type: e.currentTarget.value })}>${REVISION_TYPES.map((t) => html`<option>${t}</option>`)}</select></label>
          <label>Revision for ${a.name} <input type="text" value=${revisions[a.name]?.value ?? ''} onInput=${(e) => setRev(a.name, { value: e.currentTarget.value })} /></label>
        </div>`,
      )}
    </fieldset>`}
  <//>`;
}

export { TERMINAL };
