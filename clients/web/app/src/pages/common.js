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

// For loaders that can overlap (a resync arrives while the previous load is still in flight, and
// answers can come back in any order): call `const isLatest = next()` before the first await and
// apply an answer only `if (isLatest())`, so an older answer never overwrites a newer one.
export function turns() {
  let last = 0;
  return () => {
    const mine = ++last;
    return () => mine === last;
  };
}

// An error worth trying again in a moment: the gateway or the bus unreachable, or overloaded.
export const transient = (error) => error.httpStatus === 0 || error.httpStatus >= 500;

// Re-runs `fn` every `ms` (ages of data move even when nothing else does); returns a stopper.
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

export const loading = html`<p class="loading">Chargement…</p>`;
