// The app shell: who is signed in, the menu for their role, hash routes to pages, the live stream.
import { get, del, setCsrfToken, ApiError } from './api.js';
import { me, setMe, loadStatic } from './context.js';
import { html, render } from './html.js';
import { startLive, stopLive, onLive } from './live.js';
import { label, ROLES } from './format.js';
import { notifyAlert } from './notify.js';
import signin from './pages/signin.js';
import enrolment from './pages/enrolment.js';
import astreinte from './pages/astreinte.js';
import board from './pages/board.js';
import requests from './pages/requests.js';
import request from './pages/request.js';
import hospital from './pages/hospital.js';
import judge from './pages/judge.js';
import record from './pages/record.js';
import facility from './pages/facility.js';
import alerts from './pages/alerts.js';
import admin from './pages/admin.js';

// [pattern, page, menu label or null]
const ROUTES = [
  [/^connexion$/, signin, null],
  [/^inscription$/, enrolment, null],
  [/^astreinte$/, astreinte, 'Trouver une place'],
  [/^tableau$/, board, 'Tableau de bord'],
  [/^demandes$/, requests, 'Demandes'],
  [/^demandes\/([\w-]+)$/, request, null],
  [/^hopital$/, hospital, 'Hôpital'],
  [/^juge$/, judge, 'Juge'],
  [/^juge\/dossier\/([\w-]+)$/, record, null],
  [/^etablissement$/, facility, 'Mes places'],
  [/^alertes$/, alerts, 'Alertes'],
  [/^administration$/, admin, 'Administration'],
];

const HOME = { on_call: 'astreinte', hospital: 'hopital', judge: 'juge', observatory: 'juge', facility: 'etablissement', admin: 'tableau' };

let cleanup = null;
let navigation = 0;

async function start() {
  await loadStatic();
  try {
    const session = await get('/session');
    signedIn(session);
  } catch (error) {
    if (!(error instanceof ApiError) || error.httpStatus !== 401) showError(error);
  }
  window.addEventListener('hashchange', route);
  document.getElementById('menu-button').addEventListener('click', toggleMenu);
  route();
}

export function signedIn(session) {
  setMe(session.principal);
  setCsrfToken(session.csrf_token);
  drawChrome();
  startLive();
}

export async function signOut() {
  try { await del('/session'); } catch { /* the session is gone either way */ }
  setMe(null);
  setCsrfToken('');
  stopLive();
  drawChrome();
  location.hash = '#/connexion';
}

function allowed(page) {
  const principal = me();
  if (!page.roles) return true;
  return Boolean(principal) && (page.roles.includes(principal.role) || principal.role === 'admin');
}

function drawChrome() {
  const principal = me();
  const current = location.hash.replace(/^#\/?/, '').split('/')[0];
  const items = principal ? ROUTES.filter(([, page, name]) => name && allowed(page)) : [];
  // On a phone DSFR hides the header's tools: the account and sign-out are repeated in the menu.
  render(document.getElementById('nav-list'), [items.map(([pattern, , name]) => {
    const path = pattern.source.replace(/[\^$]/g, '');
    return html`<li class="fr-nav__item"><a class="fr-nav__link" href="#/${path}" ${path === current ? html`aria-current="page"` : ''}>${name}${path === 'alertes' ? html` <span class="alert-count" id="alert-count"></span>` : ''}</a></li>`;
  }), principal ? html`<li class="fr-nav__item mobile-only"><button class="fr-nav__link" id="sign-out-menu">Se déconnecter (${principal.name})</button></li>` : '']);
  render(document.getElementById('account'), principal
    ? html`<li><span class="fr-btn fr-icon-account-circle-line account-name">${principal.name} — ${label(ROLES, principal.role)}</span></li>
           <li><button class="fr-btn fr-icon-logout-box-r-line" id="sign-out">Se déconnecter</button></li>`
    : html`<li><a class="fr-btn fr-icon-lock-line" href="#/connexion">Se connecter</a></li>`);
  document.getElementById('sign-out')?.addEventListener('click', signOut);
  document.getElementById('sign-out-menu')?.addEventListener('click', signOut);
}

function toggleMenu() {
  const button = document.getElementById('menu-button');
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  document.getElementById('menu').classList.toggle('menu-open', open);
}

async function route() {
  const path = location.hash.replace(/^#\/?/, '');
  const main = document.getElementById('contenu');
  cleanup?.();
  cleanup = null;
  document.getElementById('menu').classList.remove('menu-open');
  document.getElementById('menu-button').setAttribute('aria-expanded', 'false');
  const principal = me();
  if (!path) {
    location.replace(principal ? `#/${HOME[principal.role] ?? 'alertes'}` : '#/connexion');
    return;
  }
  const found = ROUTES.map(([pattern, page]) => [path.match(pattern), page]).find(([m]) => m);
  drawChrome();
  if (!found) {
    render(main, html`<h1>Page introuvable</h1><p><a href="#/">Revenir à l'accueil</a></p>`);
    return;
  }
  const [match, page] = found;
  if (page.roles && !principal) {
    sessionStorage.setItem('after-sign-in', path);
    location.replace('#/connexion');
    return;
  }
  if (!allowed(page)) {
    document.title = 'Accès refusé — dispo';
    render(main, html`<div class="fr-alert fr-alert--error" id="forbidden"><h1 class="fr-alert__title">Accès refusé</h1>
      <p>Votre rôle (${label(ROLES, principal.role)}) ne permet pas d'ouvrir cette page.</p></div>`);
    return;
  }
  document.title = `${page.title} — dispo`;
  main.setAttribute('data-page', path.split('/')[0]);
  // A page still loading when the person moves on is stopped when it resolves, and its late
  // errors are not shown over the next page.
  const token = ++navigation;
  try {
    const stop = (await page.render(main, match.slice(1))) ?? null;
    if (token === navigation) cleanup = stop;
    else stop?.();
  } catch (error) {
    if (token === navigation) showError(error);
  }
}

export function showError(error) {
  const main = document.getElementById('contenu');
  if (error instanceof ApiError && error.httpStatus === 401) {
    setMe(null);
    drawChrome();
    location.hash = '#/connexion';
    return;
  }
  render(main, html`<div class="fr-alert fr-alert--error"><h1 class="fr-alert__title">${error instanceof ApiError && error.httpStatus === 403 ? 'Accès refusé' : 'Erreur'}</h1><p>${error.message}</p></div>`);
}

onLive((type, data) => {
  if (type === 'alert') notifyAlert(data);
  if (type === 'signed-out') showError(new ApiError(401, 'forbidden', 'Votre session a expiré : reconnectez-vous.'));
});

start();
