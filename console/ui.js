// Small shared pieces of the console: htm bound to preact, times, status badges, dialogs, errors.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/** An API time (epoch seconds, as JSON 1.1 sends it) as local date and time. */
export const when = (t) => (t === undefined || t === null ? '' : new Date(t * 1000).toLocaleString());

/** A duration in seconds as "1 min 5 s". */
export function duration(seconds) {
  if (seconds === undefined || seconds === null || Number.isNaN(seconds)) return '';
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A link from user data (log URLs, review links): http(s) and this site's paths only; anything else (javascript:, data:) is shown as text. */
export function SafeLink({ url, children }) {
  const ok = typeof url === 'string' && (/^https?:\/\//i.test(url) || (url.startsWith('/') && !url.startsWith('//')));
  return ok ? html`<a href=${url} target="_blank" rel="noreferrer">${children ?? url}</a>` : html`<span class="unsafe-link">${children ? `${children} (${url})` : url}</span>`;
}

export const href = (...parts) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function Status({ status }) {
  if (!status) return html`<span class="status status-none">Didn't run</span>`;
  return html`<span class=${`status status-${status.toLowerCase()}`}>${status}</span>`;
}

/** An API error as AWS worded it. */
export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>${error.type ?? 'Error'}</strong>: ${error.message}</div>`;
}

/**
 * A modal dialog (native <dialog>) titled `title`: its accessible name. `onClose` runs on Escape or
 * Cancel. `onSubmit` is awaited; an API error stays in the dialog, next to the form.
 */
export function Dialog({ title, onClose, onSubmit, submitLabel, children, wide }) {
  const ref = useRef(null);
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const id = `dialog-${title.replace(/\W+/g, '-')}`;
  return html`<dialog ref=${ref} class=${wide ? 'wide' : ''} aria-labelledby=${id} onClose=${onClose} onCancel=${onClose}>
    <form onSubmit=${submit}>
      <h2 id=${id}>${title}</h2>
      ${children}
      <${ErrorBox} error=${error} />
      <div class="buttons">
        <button type="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy}>${submitLabel}</button>
      </div>
    </form>
  </dialog>`;
}

/** A key/value table (configuration, variables). */
export function Pairs({ label, pairs }) {
  const entries = Object.entries(pairs ?? {});
  if (!entries.length) return html`<p class="muted">${label}: none</p>`;
  return html`<table class="pairs" aria-label=${label}>
    <caption>${label}</caption>
    <tbody>${entries.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>`)}</tbody>
  </table>`;
}
