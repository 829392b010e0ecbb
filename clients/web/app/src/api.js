// The JSON API of dispo-web (/api/v1, see clients/web/openapi.yaml). Every call returns the
// decoded body or throws an ApiError carrying the gateway's French message.
import { reportFreshness } from './freshness.js';

const BASE = '/api/v1';
let csrfToken = '';

export class ApiError extends Error {
  constructor(httpStatus, status, message) {
    super(message);
    this.httpStatus = httpStatus;   // 0 when the gateway could not be reached
    this.status = status;           // the broker's status word ("forbidden", "conflict", …)
  }
}

export function setCsrfToken(token) { csrfToken = token ?? ''; }

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'unavailable', 'Le serveur dispo est injoignable ; vérifiez la connexion et réessayez.');
  }
  reportFreshness(response.headers);
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: an error page from a proxy */ }
  if (!response.ok) {
    const error = json?.error ?? {};
    throw new ApiError(response.status, error.status ?? String(response.status),
      error.message ?? defaultMessage(response.status));
  }
  return json;
}

function defaultMessage(status) {
  if (status === 401) return 'Votre session a expiré : reconnectez-vous.';
  if (status === 403) return "Votre rôle ne permet pas d'accéder à cette information.";
  if (status === 404) return "Cette information n'existe pas (ou plus).";
  if (status === 503) return 'Le bus dispo est injoignable pour le moment.';
  return `Erreur du serveur (${status}).`;
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

// Builds "?a=1&b=2" from an object, leaving out empty values; arrays repeat the key.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') search.append(key, v);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
