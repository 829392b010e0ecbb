// Juge: capacity at a date (aggregates only: no facility-level data), the unexecuted orders'
// waiting times; printable. The written record of a request is on #/juge/dossier/<id>.
import { get, query } from '../api.js';
import { departements } from '../context.js';
import { html, render } from '../html.js';
import { AGE_BANDS, dateTime, duration, KINDS, label, ORIGINS } from '../format.js';
import { errorBox } from './common.js';

export default {
  title: 'Juge — capacité du département',
  roles: ['judge', 'observatory', 'on_call'],
  async render(main) {
    const depts = departements();
    const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    render(main, html`
      <h1>Capacité d'accueil</h1>
      <form id="capacity" class="form-inline no-print">
        <div class="fr-select-group"><label class="fr-label" for="dept">Département</label>
          <select class="fr-select" id="dept" name="dept">${depts.map((d) => html`<option value="${d}">${d}</option>`)}</select></div>
        <div class="fr-input-group"><label class="fr-label" for="at">À la date du</label>
          <input class="fr-input" id="at" name="at" type="datetime-local" value="${now}" max="${now}"></div>
        <button class="fr-btn" type="submit">Afficher</button>
        <button class="fr-btn fr-btn--secondary fr-icon-printer-line fr-btn--icon-left" type="button" id="print">Imprimer</button>
      </form>
      <div id="report" class="fr-mt-3w"></div>
      <form id="record" class="form-inline no-print fr-mt-4w">
        <div class="fr-input-group"><label class="fr-label" for="request-id">Attestation écrite d'une demande<span class="fr-hint-text">Numéro de la demande, ex. R-1234</span></label>
          <input class="fr-input" id="request-id" name="id" autocomplete="off"></div>
        <button class="fr-btn fr-btn--secondary" type="submit">Ouvrir l'attestation</button>
      </form>`);
    const show = async () => {
      const dept = main.querySelector('#dept').value;
      const at = main.querySelector('#at').value;
      const box = main.querySelector('#report');
      try {
        // Untouched, the date means "now": sent as no date at all, so that the gateway's clock and
        // time zone decide, not the browser's.
        const report = await get(`/capacity${query({ dept, at: at === now ? '' : at })}`);
        const rows = report.rows ?? [];
        const kinds = [...new Set(rows.map((r) => r.kind))];
        const cell = (kind, band) => rows.find((r) => r.kind === kind && r.age_band === band);
        render(box, html`
          <h2>Département ${report.departement || dept}, ${report.at ? `le ${dateTime(report.at)}` : 'maintenant'}</h2>
          <p class="fr-text--sm">Places libres confirmées récemment / places installées. Données agrégées : aucun établissement ni enfant n'est désigné.</p>
          <div class="fr-table fr-table--bordered"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table id="capacity-table">
            <caption>Places libres par type et tranche d'âge</caption>
            <thead><tr><th scope="col">Type</th>${AGE_BANDS.map(([b]) => html`<th scope="col">${b} ans</th>`)}</tr></thead>
            <tbody>${kinds.map((k) => html`<tr><th scope="row">${label(KINDS, k)}</th>${AGE_BANDS.map(([b]) => {
              const c = cell(k, b);
              return html`<td>${c ? html`<strong>${c.free}</strong> / ${c.installed}${c.stale ? html`<br><span class="stale-note">${c.stale} non confirmées</span>` : ''}` : '—'}</td>`;
            })}</tr>`)}</tbody></table></div></div></div></div>
          <h2>Demandes non exécutées</h2>
          <p id="court-unexecuted"><strong>${report.court_unexecuted ?? 0}</strong> ordonnance(s) ou jugement(s) non exécuté(s)${report.court_longest_wait_s ? html`, la plus ancienne en attente depuis <strong>${duration(report.court_longest_wait_s)}</strong>` : ''}.</p>
          <div class="fr-table fr-table--bordered"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table>
            <caption>Attente par origine de la demande</caption>
            <thead><tr><th scope="col">Origine</th><th scope="col">En attente</th><th scope="col">Attente médiane</th><th scope="col">Plus longue attente</th></tr></thead>
            <tbody>${(report.demand ?? []).map((d) => html`<tr><th scope="row">${label(ORIGINS, d.origin)}</th><td>${d.open}</td><td>${d.open ? duration(d.median_wait_s) : '—'}</td><td>${d.open ? duration(d.longest_wait_s) : '—'}</td></tr>`)}</tbody>
          </table></div></div></div></div>
          <p class="fr-text--xs">État du bus n° ${report.sequence ?? ''}. Document établi par dispo le ${dateTime(Date.now())}.</p>`);
      } catch (error) { render(box, errorBox(error.message)); }
    };
    main.querySelector('#capacity').addEventListener('submit', (e) => { e.preventDefault(); show(); });
    main.querySelector('#print').addEventListener('click', () => window.print());
    main.querySelector('#record').addEventListener('submit', (e) => {
      e.preventDefault();
      const id = main.querySelector('#request-id').value.trim();
      if (id) location.hash = `#/juge/dossier/${encodeURIComponent(id)}`;
    });
    await show();
  },
};
