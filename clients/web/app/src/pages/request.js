// A placement request: its state, children and criteria, its holds (admit, release, decline with a
// coded reason), its history, and the alerts that concern it. Live.
import { get, post } from '../api.js';
import { me } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { announce } from '../notify.js';
import { BASES, dateTime, DECLINE_REASONS, HOLD_STATES, label, ORIGINS, REFUSALS, REQUEST_STATES, until, waitingSince, agoMs } from '../format.js';
import { errorBox, formValues, throttle, turns } from './common.js';
import { childrenText } from './requests.js';

export default {
  title: 'Demande',
  roles: ['on_call', 'hospital'],
  async render(main, [id]) {
    const nextLoad = turns();
    const load = async () => {
      const isLatest = nextLoad();
      let data;
      try { data = await get(`/requests/${encodeURIComponent(id)}`); } catch (error) {
        if (isLatest()) render(main, html`<p><a href="#/demandes">← Demandes</a></p>${errorBox(error.message)}`);
        return;
      }
      // GET /requests/{id} is a RequestList of one (the request, its active hold, matches now);
      // the history comes from the written record.
      const status = data.requests?.[0] ?? data;
      const r = status.request ?? status;
      const holds = status.hold ? [status.hold] : [];
      let history = [];
      try { history = (await get(`/requests/${encodeURIComponent(id)}/record`)).history ?? []; } catch { history = []; }
      let alerts = [];
      try { alerts = ((await get('/alerts?after=0')).alerts ?? []).filter((a) => a.request_id === r.id); } catch { alerts = []; }
      if (!isLatest()) return;
      const canAct = me()?.role !== 'hospital';
      document.title = `Demande ${r.id} — dispo`;
      render(main, html`
        <p class="no-print"><a href="${me()?.role === 'hospital' ? '#/hopital' : '#/demandes'}">← Retour aux demandes</a></p>
        <h1>Demande ${r.id}</h1>
        <p><span class="fr-badge ${r.state === 'admitted' ? 'fr-badge--success' : r.state === 'cancelled' ? '' : 'fr-badge--info'}" id="request-state">${label(REQUEST_STATES, r.state)}</span>
          ${r.state === 'open' || r.state === 'proposed' ? html` <strong>${waitingSince(r.waiting_since || r.created_at)}</strong>` : ''}</p>
        <dl class="facts">
          <dt>Enfant</dt><dd>${r.child_ref}</dd>
          <dt>Fratrie</dt><dd>${childrenText(r)}${r.keep_together === false ? ' (peut être séparée)' : ' (à garder ensemble)'}</dd>
          <dt>Origine et cadre</dt><dd>${label(ORIGINS, r.origin)} · ${label(BASES, r.legal_basis)}</dd>
          <dt>Département</dt><dd>${r.criteria?.departement ?? ''}${r.criteria?.max_km ? ` · à moins de ${r.criteria.max_km} km` : ''}</dd>
          ${r.admitted_at ? html`<dt>Admise</dt><dd>${r.admitted_at}</dd>` : ''}
          ${r.note ? html`<dt>Note</dt><dd>${r.note}</dd>` : ''}
          ${r.cancel_reason ? html`<dt>Motif d'annulation</dt><dd>${r.cancel_reason}</dd>` : ''}
        </dl>
        ${status.matches !== undefined && (r.state === 'open' || r.state === 'proposed') ? html`<p><strong>${status.matches}</strong> établissement(s) pourraient l'accueillir maintenant.</p>` : ''}
        <div id="action-error"></div>
        <section aria-labelledby="holds-title"><h2 id="holds-title">Options posées</h2>
          ${holds.length === 0 ? html`<p>Aucune option.</p>` : html`<ul class="hold-list">${holds.map((h) => html`
            <li class="hold-card" data-hold="${h.id}"><p><strong>${h.id}</strong> — ${h.facility_id}, unité ${h.unit_id} :
              <span class="hold-state">${label(HOLD_STATES, h.state)}</span>${h.state === 'active' ? ` ${until(h.expires_at)}` : ''}</p>
              ${canAct && h.state === 'active' ? html`<div class="fr-btns-group fr-btns-group--inline-sm">
                <button class="fr-btn fr-btn--sm" data-act="admit" data-id="${h.id}">Admission faite</button>
                <button class="fr-btn fr-btn--sm fr-btn--secondary" data-act="release" data-id="${h.id}">Lever l'option</button></div>
                ${declineForm(h.id)}` : ''}</li>`)}</ul>`}
        </section>
        ${(r.refusals ?? []).length ? html`<section><h2>Refus</h2><ul>${r.refusals.map((x) => html`<li>${x.facility_id} ${x.unit_id ?? ''} : ${label(REFUSALS, x.reason)}${x.note ? ` — ${x.note}` : ''} (${dateTime(x.at)})</li>`)}</ul></section>` : ''}
        <section aria-labelledby="alerts-title"><h2 id="alerts-title">Alertes de cette demande</h2>
          ${alerts.length ? html`<ul>${alerts.map((a) => html`<li>${agoMs(a.time)} : ${a.message}</li>`)}</ul>` : html`<p>Aucune alerte.</p>`}</section>
        <section aria-labelledby="history-title"><h2 id="history-title">Historique</h2>
          ${history.length ? html`<ol class="history">${history.map((e) => html`<li><time>${dateTime(e.time)}</time> — ${e.what}${e.by ? html` <span class="fr-text--sm">(${e.by})</span>` : ''}</li>`)}</ol>` : html`<p>Historique non disponible.</p>`}</section>
        ${canAct && (r.state === 'open' || r.state === 'proposed') ? html`<details class="fr-mt-3w"><summary class="fr-btn fr-btn--tertiary">Annuler la demande</summary>
          <form id="cancel" class="fr-mt-2w"><div class="fr-input-group"><label class="fr-label" for="cancel-reason">Motif</label>
          <input class="fr-input" id="cancel-reason" name="reason" required></div><button class="fr-btn fr-btn--sm" type="submit">Annuler la demande</button></form></details>` : ''}
        <p class="fr-mt-3w"><a class="fr-link" href="#/juge/dossier/${r.id}">Attestation écrite</a></p>`);
    };

    const act = async (path, body, done) => {
      try { await post(path, body); announce(done); await load(); } catch (error) {
        render(main.querySelector('#action-error'), errorBox(error.message));
      }
    };
    main.addEventListener('click', (event) => {
      const button = event.target.closest('[data-act]');
      if (!button) return;
      const { act: what, id: holdId } = button.dataset;
      act(`/holds/${holdId}/${what}`, {}, what === 'admit' ? 'Admission enregistrée.' : 'Option levée.');
    });
    main.addEventListener('submit', (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      if (event.target.id === 'cancel') act(`/requests/${id}/cancel`, { reason: v.reason }, 'Demande annulée.');
      if (event.target.dataset.decline) act(`/holds/${event.target.dataset.decline}/decline`, { reason: v.reason, note: v.note }, 'Refus enregistré.');
    });
    const refresh = throttle(load, 300);
    const stopLive = onLive((type, data) => {
      const ref = data.request?.id ?? data.change?.request?.id ?? data.request_id ?? data.hold?.request_id ?? data.change?.hold?.request_id;
      if (type === 'resync' || ((type === 'request' || type === 'hold' || type === 'alert') && ref === id)) refresh();
    });
    await load();
    return stopLive;
  },
};

export const declineForm = (holdId) => html`<form class="decline-form" data-decline="${holdId}">
  <div class="fr-select-group"><label class="fr-label" for="reason-${holdId}">Motif du refus</label>
    <select class="fr-select" id="reason-${holdId}" name="reason">${DECLINE_REASONS.map((k) => html`<option value="${k}">${REFUSALS[k]}</option>`)}</select></div>
  <div class="fr-input-group"><label class="fr-label" for="note-${holdId}">Précision (sans nom)</label><input class="fr-input" id="note-${holdId}" name="note"></div>
  <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">Refuser</button></form>`;
