// Hôpital: "enfant prêt à sortir" in one form (a discharge request), the hospital's own requests
// and their state, and its alerts as they arrive — live, without reload.
import { get, post, query } from '../api.js';
import { departements } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { announce } from '../notify.js';
import { agoMs, label, NEEDS, REQUEST_STATES, waitingSince } from '../format.js';
import { errorBox, formValues, successBox, throttle, turns } from './common.js';
import { childrenText, parseAges, requestList } from './requests.js';

export default {
  title: 'Hôpital — enfant prêt à sortir',
  roles: ['hospital'],
  async render(main) {
    const depts = departements();
    const today = new Date().toISOString().slice(0, 10);
    render(main, html`
      <h1>Enfant prêt à sortir</h1>
      <form id="discharge" class="discharge-form" novalidate>
        <p>Signalez un enfant médicalement prêt à sortir : une demande de placement s'ouvre et l'astreinte de l'ASE la voit aussitôt.</p>
        <div class="form-grid">
          <div class="fr-input-group"><label class="fr-label" for="child_ref">Référence de l'enfant<span class="fr-hint-text">Pseudonyme (ex. H59-0815), jamais le nom</span></label>
            <input class="fr-input" id="child_ref" name="child_ref" autocomplete="off" required></div>
          <div class="fr-input-group"><label class="fr-label" for="ages">Âge(s)<span class="fr-hint-text">Un âge par enfant, séparés par des virgules</span></label>
            <input class="fr-input" id="ages" name="ages" inputmode="numeric" required></div>
          <div class="fr-input-group"><label class="fr-label" for="ready">Prêt à sortir depuis le</label>
            <input class="fr-input" id="ready" name="ready" type="date" value="${today}" max="${today}"></div>
          <div class="fr-select-group"><label class="fr-label" for="dept">Département</label>
            <select class="fr-select" id="dept" name="dept">${depts.map((d) => html`<option value="${d}">${d}</option>`)}</select></div>
        </div>
        <fieldset class="fr-fieldset"><legend class="fr-fieldset__legend fr-text--regular">Besoins</legend>
          ${Object.entries(NEEDS).map(([k, v]) => html`<div class="fr-fieldset__element"><div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" id="need-${k}" name="need-${k}"><label class="fr-label" for="need-${k}">${v}</label></div></div>`)}
        </fieldset>
        <div class="fr-input-group"><label class="fr-label" for="note">Note (sans nom)</label><textarea class="fr-input" id="note" name="note" rows="2"></textarea></div>
        <div id="discharge-result"></div>
        <button class="fr-btn" type="submit">Signaler l'enfant prêt à sortir</button>
      </form>
      <div class="two-columns fr-mt-4w">
        <section aria-labelledby="mine-title"><h2 id="mine-title">Mes demandes</h2><div id="mine"></div></section>
        <section aria-labelledby="alerts-title"><h2 id="alerts-title">Mes alertes <span class="live-dot">en direct</span></h2><ul id="alerts" class="alert-feed"></ul></section>
      </div>`);

    const nextMine = turns();
    const loadMine = async () => {
      const isLatest = nextMine();
      try {
        const list = requestList(await get(`/requests${query({ dept: main.querySelector('#dept').value, state: 'open,proposed,admitted,cancelled' })}`));
        if (!isLatest()) return;
        render(main.querySelector('#mine'), list.length ? html`<ul class="request-list">${list.map(({ request: r }) => html`
          <li class="request-card" data-request="${r.id}"><h3 class="fr-h6"><a href="#/demandes/${r.id}">${r.id} — ${r.child_ref}</a></h3>
            <p class="fr-text--sm"><span class="fr-badge fr-badge--sm">${label(REQUEST_STATES, r.state)}</span> ${childrenText(r)}
            ${r.state === 'open' || r.state === 'proposed' ? ` · ${waitingSince(r.waiting_since)}` : ''}</p></li>`)}</ul>` : html`<p>Aucune demande.</p>`);
      } catch (error) { render(main.querySelector('#mine'), errorBox(error.message)); }
    };
    const alertItem = (a) => html`<li class="alert-item" data-alert="${a.number}"><span class="fr-text--sm">${agoMs(a.time)}</span> ${a.message}${a.request_id ? html` — <a href="#/demandes/${a.request_id}">${a.request_id}</a>` : ''}</li>`;
    const loadAlerts = async () => {
      try {
        const list = (await get('/alerts?after=0')).alerts ?? [];
        render(main.querySelector('#alerts'), list.length ? list.slice(-20).reverse().map(alertItem) : html`<li class="empty">Aucune alerte.</li>`);
      } catch (error) { render(main.querySelector('#alerts'), html`<li>${error.message}</li>`); }
    };

    main.querySelector('#discharge').addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      const box = main.querySelector('#discharge-result');
      const ages = parseAges(v.ages);
      if (!v.child_ref) return render(box, errorBox("Donnez la référence (pseudonyme) de l'enfant."));
      if (!ages) return render(box, errorBox('Âges attendus de 0 à 21 ans, séparés par des virgules.'));
      const needs = Object.keys(NEEDS).filter((k) => v[`need-${k}`]);
      const ready = v.ready ? new Date(`${v.ready}T00:00:00`).getTime() : Date.now();
      try {
        const opened = await post('/requests/discharge', {
          child_ref: v.child_ref, origin: 'hospital', legal_basis: 'administrative', note: v.note, waiting_since: Math.min(ready, Date.now()),
          criteria: { children: ages.map((age) => ({ age, needs })), departement: v.dept },
        });
        const r = opened.request ?? opened;
        render(box, successBox(`Demande ${r.id} ouverte : l'astreinte la voit maintenant.`));
        event.target.reset();
        loadMine();
      } catch (error) { render(box, errorBox(error.message)); }
      return undefined;
    });
    const refresh = throttle(loadMine, 500);
    const stopLive = onLive((type, data) => {
      if (type === 'alert') {
        const list = main.querySelector('#alerts');
        list.querySelector('.empty')?.remove();
        list.insertAdjacentHTML('afterbegin', '<li></li>');
        render(list.firstElementChild, html`<span class="fr-text--sm">à l'instant</span> ${data.message}${data.request_id ? html` — <a href="#/demandes/${data.request_id}">${data.request_id}</a>` : ''}`);
        list.firstElementChild.className = 'alert-item alert-item--new';
        list.firstElementChild.dataset.alert = data.number;
        announce(`Nouvelle alerte : ${data.message}`);
        refresh();
      }
      if (type === 'request' || type === 'resync') refresh();
    });
    await Promise.all([loadMine(), loadAlerts()]);
    return stopLive;
  },
};
