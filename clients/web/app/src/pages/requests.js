// Demandes: the pending placement requests, longest waiting first, live; and a form to open one.
import { get, post, query } from '../api.js';
import { departements } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { BASES, label, ORIGINS, REQUEST_STATES, waitingSince, years } from '../format.js';
import { errorBox, every, formValues, throttle, turns } from './common.js';

export const requestList = (answer) => (Array.isArray(answer) ? answer : answer?.requests ?? []).map((s) => (s.request ? s : { request: s }));

export function childrenText(request) {
  const children = request.criteria?.children ?? [];
  if (!children.length) return '';
  return children.map((c) => years(c.age) + (c.sex && c.sex !== 'non_precise' ? ` (${c.sex === 'fille' ? 'F' : 'G'})` : '')).join(', ');
}

export function parseAges(text) {
  const ages = text.split(/[,;\s]+/).filter(Boolean).map(Number);
  return ages.length && ages.every((a) => Number.isInteger(a) && a >= 0 && a <= 21) ? ages : null;
}

export default {
  title: 'Demandes en attente',
  roles: ['on_call'],
  async render(main) {
    const depts = departements();
    let dept = depts[0] ?? '';
    render(main, html`
      <div class="page-head"><h1>Demandes en attente</h1>
        <div class="fr-select-group inline-select"><label class="fr-label" for="dept">Département</label>
          <select class="fr-select" id="dept">${depts.map((d) => html`<option value="${d}">${d}</option>`)}</select></div></div>
      <p>Les plus anciennes en premier. La liste se met à jour en direct.</p>
      <div id="list-error"></div>
      <div id="list"></div>
      <details class="fr-mt-4w open-request"><summary class="fr-btn fr-btn--secondary">Ouvrir une demande</summary>
        <form id="open" class="fr-mt-2w" novalidate>
          <div class="form-grid">
            <div class="fr-input-group"><label class="fr-label" for="child_ref">Référence de l'enfant (l'aîné)<span class="fr-hint-text">Pseudonyme, jamais le nom</span></label>
              <input class="fr-input" id="child_ref" name="child_ref" autocomplete="off" required></div>
            <div class="fr-input-group"><label class="fr-label" for="ages">Âges des enfants<span class="fr-hint-text">Séparés par des virgules, ex. 4, 7, 10</span></label>
              <input class="fr-input" id="ages" name="ages" inputmode="numeric" required></div>
            <div class="fr-select-group"><label class="fr-label" for="legal_basis">Cadre</label>
              <select class="fr-select" id="legal_basis" name="legal_basis">${Object.entries(BASES).map(([k, v]) => html`<option value="${k}">${v}</option>`)}</select></div>
            <div class="fr-select-group"><label class="fr-label" for="origin">Origine</label>
              <select class="fr-select" id="origin" name="origin">${['on_call', 'court', 'ase_service'].map((k) => html`<option value="${k}">${ORIGINS[k]}</option>`)}</select></div>
          </div>
          <div class="fr-input-group"><label class="fr-label" for="note">Note (sans nom)</label><textarea class="fr-input" id="note" name="note" rows="2"></textarea></div>
          <div id="open-error"></div>
          <button class="fr-btn" type="submit">Ouvrir la demande</button>
        </form></details>`);

    const nextLoad = turns();
    const load = async () => {
      const isLatest = nextLoad();
      try {
        const list = requestList(await get(`/requests${query({ dept, state: 'open,proposed' })}`));
        if (!isLatest()) return;
        render(main.querySelector('#list-error'), '');
        render(main.querySelector('#list'), list.length === 0 ? html`<p>Aucune demande en attente.</p>` : html`
          <ol class="request-list">${list.map(({ request: r, hold, matches }) => html`
            <li class="request-card" data-request="${r.id}">
              <p class="request-wait">${waitingSince(r.waiting_since || r.created_at)}</p>
              <h2 class="fr-h6"><a href="#/demandes/${r.id}">${r.id} — ${r.child_ref}</a></h2>
              <p class="fr-text--sm">${label(ORIGINS, r.origin)} · ${label(BASES, r.legal_basis)} · ${childrenText(r)}</p>
              <p class="fr-text--sm"><span class="fr-badge fr-badge--sm ${r.state === 'proposed' ? 'fr-badge--info' : 'fr-badge--new'}">${label(REQUEST_STATES, r.state)}</span>
                ${hold ? ` option ${hold.id} chez ${hold.facility_id}` : ''}
                ${matches !== undefined ? ` · ${matches} établissement(s) pourraient l'accueillir maintenant` : ''}</p>
            </li>`)}</ol>`);
      } catch (error) {
        render(main.querySelector('#list-error'), errorBox(error.message));
      }
    };
    main.querySelector('#dept').addEventListener('change', (e) => { dept = e.target.value; load(); });
    main.querySelector('#open').addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      const box = main.querySelector('#open-error');
      const ages = parseAges(v.ages);
      if (!v.child_ref) return render(box, errorBox("Donnez la référence (pseudonyme) de l'enfant."));
      if (!ages) return render(box, errorBox('Âges attendus de 0 à 21 ans, séparés par des virgules.'));
      try {
        const opened = await post('/requests', {
          child_ref: v.child_ref, origin: v.origin, legal_basis: v.legal_basis, note: v.note, keep_together: true,
          criteria: { children: ages.map((age) => ({ age })), departement: dept },
        });
        location.hash = `#/demandes/${(opened.request ?? opened).id}`;
      } catch (error) { render(box, errorBox(error.message)); }
      return undefined;
    });
    const refresh = throttle(load, 500);
    const stopLive = onLive((type) => { if (type === 'request' || type === 'hold' || type === 'resync') refresh(); });
    const stopTimer = every(60000, load);
    await load();
    return () => { stopLive(); stopTimer(); };
  },
};
