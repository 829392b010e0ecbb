// Pieces shared by pages: messages, form reading, live-refresh helpers.
import { html } from '../html.js';

export const errorBox = (message) => html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>${message}</p></div>`;
export const infoBox = (message) => html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w" role="status"><p>${message}</p></div>`;
export const successBox = (message) => html`<div class="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status"><p>${message}</p></div>`;

// The form's named fields as an object of trimmed strings (checkboxes: true/false).
export function formValues(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name) continue;
    values[element.name] = element.type === 'checkbox' ? element.checked : element.value.trim();
  }
  return values;
}

// Runs `fn` at most once per `ms`, the last call winning (for bursts of live events).
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  return () => {
    if (timer) { pending = true; return; }
    fn();
    timer = setTimeout(function again() {
      timer = null;
      if (pending) { pending = false; fn(); timer = setTimeout(again, ms); }
    }, ms);
  };
}

// Re-runs `fn` every `ms` (ages of data move even when nothing else does); returns a stopper.
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

export const loading = html`<p class="loading">Chargement…</p>`;
