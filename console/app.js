// The console's shell: the header (account and region selector), and the page the URL's hash names.
//   #/                              the pipelines
//   #/create                        a new pipeline from pasted JSON
//   #/pipelines/NAME                the pipeline view (live)
//   #/pipelines/NAME/history        its executions
//   #/pipelines/NAME/executions/ID  one execution: timeline, variables, artifacts
//   #/pipelines/NAME/edit           its declaration, editable
import { render } from 'preact';
import { useEffect, useErrorBoundary, useRef, useState } from 'preact/hooks';
import { savedScope, scope, scopes, setScope, setSigningKey, signingKey } from './api.js';
import { ErrorBox, html } from './ui.js';
import { PipelineList } from './list.js';
import { PipelineView } from './pipeline.js';
import { ExecutionDetail, History } from './history.js';
import { CreatePipeline, Editor } from './editor.js';

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts;
}

/** A page that throws while rendering shows what went wrong instead of a blank screen. */
function Guarded({ parts, scopeKey }) {
  const [error, reset] = useErrorBoundary();
  if (error)
    return html`<div><${ErrorBox} error=${{ type: 'Console error', message: String(error?.message ?? error) }} />
      <button onClick=${reset}>Try again</button></div>`;
  return html`<${Page} parts=${parts} scopeKey=${scopeKey} />`;
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

/** What the emulator answers an unsigned or badly signed request when it verifies signatures. */
const AUTH_ERRORS = new Set(['MissingAuthenticationTokenException', 'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignatureException', 'AccessDeniedException']);

/** Signatures verified (--credentials): an access key for this tab, kept in sessionStorage until the tab closes. */
function SignIn({ error, onKey }) {
  const [accessKeyId, setId] = useState('');
  const [secretAccessKey, setSecret] = useState('');
  const submit = (e) => {
    e.preventDefault();
    onKey({ accessKeyId: accessKeyId.trim(), secretAccessKey });
  };
  return html`<main class="page signin">
    <h1>codepipeline-local</h1>
    <p>This emulator verifies signatures (--credentials). Give one of its access keys: the console signs
      every request with it, in this browser tab only (kept in session storage until the tab is closed).</p>
    ${error && error.type !== 'MissingAuthenticationTokenException' && html`<${ErrorBox} error=${error} />`}
    <form onSubmit=${submit}>
      <label class="block">Access key ID <input type="text" autocomplete="username" value=${accessKeyId} onInput=${(e) => setId(e.currentTarget.value)} /></label>
      <label class="block">Secret access key <input type="password" autocomplete="current-password" value=${secretAccessKey} onInput=${(e) => setSecret(e.currentTarget.value)} /></label>
      <button type="submit" class="primary">Sign in</button>
    </form>
  </main>`;
}

function App() {
  const [parts, setParts] = useState(parseHash());
  const [known, setKnown] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [current, setCurrentState] = useState(undefined);
  // Read by load(), which event handlers of earlier renders also call.
  const currentRef = useRef(undefined);
  const setCurrent = (v) => {
    currentRef.current = v;
    setCurrentState(v);
  };

  useEffect(() => {
    // A new page also refreshes the accounts and regions that hold pipelines.
    const onHash = () => (setParts(parseHash()), load());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const load = () =>
    scopes().then(
      (s) => {
        setError(undefined);
        setKnown(s.scopes);
        if (!currentRef.current) {
          const saved = savedScope();
          // A key acts in its own account only.
          const chosen = saved && (!s.verifySignatures || saved.account === s.default.account) ? saved : s.default;
          setScope(chosen.account, chosen.region);
          setCurrent({ ...scope });
        }
      },
      (e) => {
        if (AUTH_ERRORS.has(e.type)) setSigningKey(undefined);
        setError(e);
      },
    );
  useEffect(() => {
    load();
  }, []);

  const pick = (account, region) => {
    setScope(account, region);
    setCurrent({ account, region });
    location.hash = '#/';
  };

  const signIn = (k) => {
    setSigningKey(k);
    load();
  };
  const signOut = () => {
    setSigningKey(undefined);
    setCurrent(undefined);
    load();
  };
  if (error && AUTH_ERRORS.has(error.type)) return html`<${SignIn} error=${error} onKey=${signIn} />`;
  if (error) return html`<main class="page"><h1>codepipeline-local</h1><${ErrorBox} error=${error} /></main>`;
  if (!current) return html`<p class="loading">Loading the console...</p>`;
  const scopeKey = `${current.account}/${current.region}/`;
  return html`<div>
    <header class="top">
      <a class="brand" href="#/">codepipeline-local</a>
      <nav aria-label="Console"><a href="#/">Pipelines</a> <a href="#/create">Create pipeline</a></nav>
      <span onFocusIn=${load}><${ScopePicker} known=${known ?? []} current=${current} onPick=${pick} /></span>
      ${signingKey() && html`<span class="who">${signingKey().accessKeyId} <button class="small" onClick=${signOut}>Sign out</button></span>`}
    </header>
    <main class="page"><${Guarded} key=${parts.join('/')} parts=${parts} scopeKey=${scopeKey} /></main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
