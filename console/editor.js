// The declaration as JSON, editable: saving calls UpdatePipeline; a new pipeline is created from pasted
// JSON in the shape `aws codepipeline create-pipeline --cli-input-json` takes ({pipeline, tags?}).
// AWS's validation message appears next to the text.
import { useEffect, useState } from 'preact/hooks';
import { call } from './api.js';
import { ErrorBox, href, html } from './ui.js';

function parse(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw { type: 'Invalid JSON', message: e.message };
  }
}

function JsonForm({ label, text, setText, submitLabel, onSubmit, saved }) {
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(parse(text));
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  return html`<form class="editor" onSubmit=${submit}>
    <label class="block">${label}
      <textarea spellcheck="false" rows="28" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    </label>
    <div class="side">
      <${ErrorBox} error=${error} />
      ${saved && !error && html`<p class="ok" role="status">${saved}</p>`}
      <button type="submit" class="primary" disabled=${busy}>${submitLabel}</button>
    </div>
  </form>`;
}

export function Editor({ name }) {
  const [text, setText] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [saved, setSaved] = useState(undefined);
  useEffect(() => {
    call('GetPipeline', { name }).then(
      (out) => setText(JSON.stringify({ pipeline: out.pipeline }, null, 2)),
      (e) => setError(e),
    );
  }, []);
  const save = async (input) => {
    setSaved(undefined);
    const out = await call('UpdatePipeline', { pipeline: input.pipeline ?? input });
    setText(JSON.stringify({ pipeline: out.pipeline }, null, 2));
    setSaved(`Saved: version ${out.pipeline.version}`);
  };
  return html`<section aria-labelledby="editor-title">
    <p class="crumbs"><a href="#/">Pipelines</a> / <a href=${href('pipelines', name)}>${name}</a></p>
    <h1 id="editor-title">Edit ${name}</h1>
    <${ErrorBox} error=${error} />
    ${text !== undefined && html`<${JsonForm} label="Declaration" text=${text} setText=${setText} submitLabel="Save" onSubmit=${save} saved=${saved} />`}
  </section>`;
}

const EXAMPLE = JSON.stringify(
  {
    pipeline: {
      name: 'my-pipeline',
      roleArn: 'arn:aws:iam::123456789012:role/CodePipelineServiceRole',
      artifactStore: { type: 'S3', location: 'my-pipeline-artifacts' },
      stages: [],
    },
  },
  null,
  2,
);

export function CreatePipeline() {
  const [text, setText] = useState(EXAMPLE);
  const create = async (input) => {
    const out = await call('CreatePipeline', input);
    location.hash = href('pipelines', out.pipeline.name);
  };
  return html`<section aria-labelledby="create-title">
    <p class="crumbs"><a href="#/">Pipelines</a></p>
    <h1 id="create-title">Create pipeline</h1>
    <p>Paste a pipeline as <code>aws codepipeline create-pipeline --cli-input-json</code> takes it.</p>
    <${JsonForm} label="Pipeline JSON" text=${text} setText=${setText} submitLabel="Create pipeline" onSubmit=${create} />
  </section>`;
}
