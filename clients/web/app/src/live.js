// The live stream (GET /api/v1/events, Server-Sent Events) shared by every page, and the banner
// that says since when the data is frozen when the gateway or the broker cannot be reached.
import { since, ago } from './format.js';

const listeners = new Set();
let source = null;
let frozenSince = 0;          // ms; 0 = live
let bannerTimer = null;
let lossTimer = null;
let brokerDown = false;
let frozenCause = '';

// Calls `handler(type, data)` for each event until the returned function is called.
export function onLive(handler) {
  listeners.add(handler);
  return () => listeners.delete(handler);
}

export function isFrozen() { return frozenSince > 0; }

function emit(type, data) { for (const handler of [...listeners]) handler(type, data); }

export function startLive() {
  if (source) return;
  source = new EventSource('/api/v1/events', { withCredentials: true });
  source.onopen = () => { if (frozenSince && !brokerDown) thaw(); };
  // EventSource reconnects on its own within a few seconds; only a loss that lasts is announced,
  // dated from its start.
  source.onerror = () => {
    const lostAt = Date.now();
    clearTimeout(lossTimer);
    lossTimer = setTimeout(() => { if (source?.readyState !== EventSource.OPEN) freeze(lostAt, 'gateway'); }, 2500);
    // An HTTP error (a restarted gateway forgot the session: 401; saturated: 503) closes an
    // EventSource for good: ask who we are, then sign in again or open a new stream.
    if (source.readyState === EventSource.CLOSED) setTimeout(reopen, 3000);
  };
  for (const type of ['availability', 'request', 'hold', 'alert', 'principal', 'facility']) {
    source.addEventListener(type, (event) => emit(type, parse(event.data)));
  }
  source.addEventListener('resync', () => { emit('resync', {}); });
  source.addEventListener('broker', (event) => {
    const data = parse(event.data);
    if (data.reachable === false) { brokerDown = true; freeze(data.since || Date.now(), 'broker'); }
    else { brokerDown = false; thaw(); }
  });
}

async function reopen() {
  if (!source || source.readyState !== EventSource.CLOSED) return;
  const answer = await fetch('/api/v1/session', { credentials: 'same-origin' }).catch(() => null);
  if (answer?.status === 401) { stopLive(); emit('signed-out', {}); return; }
  source = null;
  startLive();
}

export function stopLive() {
  source?.close();
  source = null;
  thaw(true);
}

function parse(text) { try { return JSON.parse(text); } catch { return {}; } }

function freeze(since, cause) {
  if (!frozenSince) frozenSince = since;
  frozenCause = cause;
  showBanner();
  clearInterval(bannerTimer);
  bannerTimer = setInterval(showBanner, 30000);
}

function thaw(quiet = false) {
  const wasFrozen = frozenSince > 0;
  frozenSince = 0;
  clearInterval(bannerTimer);
  const banner = document.getElementById('frozen-banner');
  if (banner) banner.hidden = true;
  if (wasFrozen && !quiet) emit('resync', { after: 'frozen' });
}

function showBanner() {
  const banner = document.getElementById('frozen-banner');
  if (!banner || !frozenSince) return;
  const who = frozenCause === 'broker' ? 'Le bus dispo est injoignable' : 'Le serveur dispo est injoignable';
  banner.querySelector('.frozen-text').textContent =
    `${who} : les données affichées sont figées ${since(frozenSince)} (${ago((Date.now() - frozenSince) / 1000)}). ` +
    'Elles se mettront à jour dès le retour de la connexion ; vérifiez par téléphone avant de promettre une place.';
  banner.hidden = false;
}
