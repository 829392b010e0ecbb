// The written record of a placement request (GET /requests/{id}/record): what was asked, every
// place considered and why it did not fit, the history — a document that prints.
import { get } from '../api.js';
import { html, render } from '../html.js';
import { BASES, dateTime, label, ORIGINS, REFUSALS, REQUEST_STATES, agoMs } from '../format.js';
import { errorBox } from './common.js';
import { childrenText } from './requests.js';

export default {
  title: 'Attestation écrite',
  roles: ['judge', 'on_call', 'hospital', 'observatory'],
  async render(main, [id]) {
    let rec;
    try { rec = await get(`/requests/${encodeURIComponent(id)}/record`); } catch (error) {
      render(main, html`<p class="no-print"><a href="#/juge">← Juge</a></p>${errorBox(error.message)}`);
      return;
    }
    const r = rec.request ?? {};
    render(main, html`
      <p class="no-print"><a href="#/juge">← Retour</a> <button class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-printer-line fr-btn--icon-left" id="print">Imprimer</button>
        <a class="fr-link fr-ml-2w" href="/api/v1/requests/${encodeURIComponent(id)}/record.html" target="_blank" rel="noopener">Version du serveur, autonome</a></p>
      <article class="record">
        <h1>Attestation de recherche de place — demande ${r.id ?? id}</h1>
        <p>Établie par dispo ${rec.at ? `le ${dateTime(rec.at)}` : ''} (état n° ${rec.sequence ?? ''}).</p>
        <dl class="facts">
          <dt>Enfant (référence)</dt><dd>${r.child_ref ?? ''}</dd>
          <dt>Fratrie</dt><dd>${childrenText(r)}</dd>
          <dt>Origine, cadre</dt><dd>${label(ORIGINS, r.origin)} · ${label(BASES, r.legal_basis)}</dd>
          <dt>État</dt><dd>${label(REQUEST_STATES, r.state)}</dd>
          <dt>En attente depuis</dt><dd>${dateTime(r.waiting_since || r.created_at)}</dd>
        </dl>
        <h2>Places examinées</h2>
        <p><strong>${rec.suitable ?? 0}</strong> place(s) convenaient au moment de l'attestation.</p>
        <table class="record-table"><caption>Unités examinées et motif</caption>
          <thead><tr><th scope="col">Établissement</th><th scope="col">Unité</th><th scope="col">Convient</th><th scope="col">Motif</th><th scope="col">Données</th></tr></thead>
          <tbody>${(rec.considered ?? []).map((c) => html`<tr><td>${c.facility_name || c.facility_id}</td><td>${c.unit_id}</td><td>${c.suitable ? 'oui' : 'non'}</td>
            <td>${c.suitable ? '' : label(REFUSALS, c.reason)}${c.detail ? ` — ${c.detail}` : ''}</td><td>${c.age_s < 0 ? 'jamais confirmées' : agoMs(Date.now() - c.age_s * 1000)}</td></tr>`)}</tbody></table>
        <h2>Historique</h2>
        <ol class="history">${(rec.history ?? []).map((e) => html`<li><time>${dateTime(e.time)}</time> — ${e.what}</li>`)}</ol>
      </article>`);
    main.querySelector('#print').addEventListener('click', () => window.print());
  },
};
