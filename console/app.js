// The console's shell: the header (account and region selector), and the page the URL's hash names.
//   #/                              the pipelines
//   #/create                        a new pipeline from pasted JSON
//   #/pipelines/NAME                the pipeline view (live)
//   #/pipelines/NAME/history        its executions
//   #/pipelines/NAME/executions/ID  one execution: timeline, variables, artifacts
//   #/pipelines/NAME/edit           its declaration, editable
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { savedScope, scope, scopes, setScope } from './api.js';
import { ErrorBox, html } from './ui.js';
import { PipelineList } from './list.js';
import { PipelineView } from './pipeline.js';
import { ExecutionDetail, History } from './history.js';
import { CreatePipeline, Editor } from './editor.js';

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts;
}

function Page({ parts, scopeKey }) {
  const [first, name, kind, id] = parts;
  if (first === 'create') return html`<${CreatePipeline} key=${scopeKey} />`;
  if (first === 'pipelines' && name) {
    if (kind === 'history') return html`<${History} key=${scopeKey + name} name=${name} />`;
    if (kind === 'executions' && id) return html`<${ExecutionDetail} key=${scopeKey + name + id} name=${name} id=${id} />`;
    if (kind === 'edit') return html`<${Editor} key=${scopeKey + name} name=${name} />`;
    return html`<${PipelineView} key=${scopeKey + name} name=${name} />`;
  }
  return html`<${PipelineList} key=${scopeKey} />`;
}

function ScopePicker({ known, current, onPick }) {
  const options = [...known];
  if (!options.some((s) => s.account === current.account && s.region === current.region)) options.unshift({ ...current, pipelines: 0 });
  return html`<label class="scope">Account and region
    <select value=${`${current.account}/${current.region}`} onChange=${(e) => onPick(...e.currentTarget.value.split('/'))}>
      ${options.map((s) => html`<option value=${`${s.account}/${s.region}`}>${s.account} / ${s.region} (${s.pipelines} pipeline${s.pipelines === 1 ? '' : 's'})</option>`)}
    </select>
  </label>`;
}

function App() {
  const [parts, setParts] = useState(parseHash());
  const [known, setKnown] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [current, setCurrent] = useState(undefined);

  useEffect(() => {
    // A new page also refreshes the accounts and regions that hold pipelines.
    const onHash = () => (setParts(parseHash()), load());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const load = () =>
    scopes().then(
      (s) => {
        setKnown(s.scopes);
        if (!current) {
          const chosen = savedScope() ?? s.default;
          setScope(chosen.account, chosen.region);
          setCurrent({ ...scope });
        }
      },
      (e) => setError(e),
    );
  useEffect(() => {
    load();
  }, []);

  const pick = (account, region) => {
    setScope(account, region);
    setCurrent({ account, region });
    location.hash = '#/';
  };

  if (error)
    return html`<main class="page"><h1>codepipeline-local</h1><${ErrorBox} error=${error} />
      <p>The console calls the emulator's API without signing its requests. This emulator verifies signatures
      (--credentials), so the console cannot act for a key: restart it without --credentials to use the console.</p></main>`;
  if (!current) return html`<p class="loading">Loading the console...</p>`;
  const scopeKey = `${current.account}/${current.region}/`;
  return html`<div>
    <header class="top">
      <a class="brand" href="#/">codepipeline-local</a>
      <nav aria-label="Console"><a href="#/">Pipelines</a> <a href="#/create">Create pipeline</a></nav>
      <span onFocusIn=${load}><${ScopePicker} known=${known ?? []} current=${current} onPick=${pick} /></span>
    </header>
    <main class="page"><${Page} parts=${parts} scopeKey=${scopeKey} /></main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
