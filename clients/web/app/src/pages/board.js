// Tableau de bord: the département's live board — free places by kind and age band (fresh data
// only), then the facilities with their units (stale data marked and left out of the totals), and
// the map. Snapshot first (GET /board), then the live stream; a resync reloads the snapshot.
import { get, query } from '../api.js';
import { departements } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { createMap } from '../map.js';
import { AGE_BANDS, agoMs, KINDS, label, moment, UNIT_SEX } from '../format.js';
import { errorBox, every, transient, turns } from './common.js';
import { feedChange, isStale } from './feed.js';

const RETRY_MS = 3000;

export default {
  title: 'Tableau de bord',
  roles: ['on_call'],
  async render(main) {
    const depts = departements();
    const state = { dept: depts[0] ?? '', sequence: 0, facilities: new Map(), staleAfter: 0, at: 0, filter: '' };
    render(main, html`
      <div class="page-head">
        <h1>Tableau de bord <span class="live-dot" title="en direct">en direct</span></h1>
        <div class="fr-select-group inline-select">
          <label class="fr-label" for="dept">Département</label>
          <select class="fr-select" id="dept">${depts.map((d) => html`<option value="${d}">${d}</option>`)}</select>
        </div>
      </div>
      <div id="board-error"></div>
      <section aria-labelledby="totals-title"><h2 id="totals-title">Places libres maintenant, par type et âge</h2>
        <p class="fr-text--sm">Données confirmées récemment seulement ; une unité compte dans chaque tranche d'âge qu'elle accueille.</p>
        <div id="totals" class="fr-table fr-table--no-caption fr-table--bordered"></div></section>
      <div class="board-layout">
        <section aria-labelledby="facilities-title" class="board-list">
          <h2 id="facilities-title">Établissements</h2>
          <div class="fr-input-group"><label class="fr-label" for="filter">Filtrer par nom ou commune</label>
            <input class="fr-input" id="filter" type="search" autocomplete="off"></div>
          <div id="facilities"></div>
        </section>
        <section class="map-column" aria-label="Carte du département"><div id="map" class="map"></div></section>
      </div>`);
    const map = await createMap(main.querySelector('#map'), [state.dept]);

    // Snapshot then deltas: events arriving while the snapshot loads are kept and applied after it
    // when newer than the snapshot's sequence (feedChange skips the older ones).
    // Two loads can overlap (a resync and the end of a frozen period): only the last one started
    // applies its snapshot, with every event received since it started. A load that fails (the
    // bus just came back and the gateway's call to it did not go through) leaves the last good
    // board on screen with the reason, and is tried again every few seconds until one succeeds.
    let pending = null;
    let retry = null;
    const nextLoad = turns();
    const load = async () => {
      const isLatest = nextLoad();
      clearTimeout(retry);
      pending = [];
      try {
        const snapshot = await get(`/board${query({ dept: state.dept })}`);
        if (!isLatest()) return;
        state.sequence = snapshot.sequence ?? 0;
        state.staleAfter = snapshot.stale_after_s ?? snapshot.facilities?.[0]?.stale_after_s ?? 0;
        state.facilities = new Map((snapshot.facilities ?? []).map((f) => [f.facility.id, f]));
        for (const event of pending) feedChange(state, event);
        pending = null;
        render(main.querySelector('#board-error'), '');
        draw();
      } catch (error) {
        if (!isLatest()) return;
        if (!transient(error)) { pending = null; render(main.querySelector('#board-error'), errorBox(error.message)); return; }
        render(main.querySelector('#board-error'), errorBox(`${error.message} Nouvel essai dans quelques secondes.`));
        retry = setTimeout(load, RETRY_MS);
      }
    };

    let scheduled = false;
    const drawSoon = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => { scheduled = false; draw(); });
    };

    const draw = () => {
      state.at = Date.now();
      const totals = new Map();   // kind -> band -> {free, stale}
      const facilities = [...state.facilities.values()];
      for (const f of facilities) {
        for (const u of f.units ?? []) {
          const stale = isStale(u.availability, f.stale_after_s ?? state.staleAfter);
          for (const [band, min, max] of AGE_BANDS) {
            if (u.unit.age_max < min || u.unit.age_min > max) continue;
            const byBand = totals.get(f.facility.kind) ?? new Map();
            totals.set(f.facility.kind, byBand);
            const cell = byBand.get(band) ?? { free: 0, stale: 0 };
            byBand.set(band, cell);
            if (stale) cell.stale += u.availability?.available ?? 0;
            else cell.free += u.availability?.available ?? 0;
          }
        }
      }
      render(main.querySelector('#totals'), html`<div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table>
        <caption>Places libres par type et tranche d'âge</caption>
        <thead><tr><th scope="col">Type</th>${AGE_BANDS.map(([b]) => html`<th scope="col">${b} ans</th>`)}</tr></thead>
        <tbody>${[...totals.entries()].map(([kind, byBand]) => html`<tr><th scope="row">${label(KINDS, kind)}</th>
          ${AGE_BANDS.map(([b]) => { const c = byBand.get(b); return html`<td class="count ${c?.free ? 'has-free' : ''}" data-total="${kind}/${b}">${c ? c.free : '—'}${c?.stale ? html` <span class="stale-note">(+${c.stale} périmées)</span>` : ''}</td>`; })}</tr>`)}
        </tbody></table></div></div></div>`);

      const filter = state.filter.toLowerCase();
      const shown = facilities.filter((f) => !filter || `${f.facility.name} ${f.facility.commune_insee} ${f.facility.id}`.toLowerCase().includes(filter))
        .sort((a, b) => free(b) - free(a) || (a.facility.name ?? '').localeCompare(b.facility.name ?? ''));
      render(main.querySelector('#facilities'), html`<p class="fr-text--sm">${shown.length} établissements · instantané n° ${state.sequence}, mis à jour ${moment(state.at)}</p>
        <ul class="facility-list">${shown.slice(0, 200).map((f) => html`
        <li class="facility-card" data-facility="${f.facility.id}">
          <h3 class="fr-h6">${f.facility.name || f.facility.id}</h3>
          <p class="fr-text--sm facility-facts">${label(KINDS, f.facility.kind)} · ${f.facility.id}${f.facility.phone ? html` · <a href="tel:${f.facility.phone.replace(/[^\d+]/g, '')}">${f.facility.phone}</a>` : ''}</p>
          <table class="units"><caption class="fr-sr-only">Unités de ${f.facility.name}</caption>
            <thead><tr><th scope="col">Unité</th><th scope="col">Âges</th><th scope="col">Libres</th><th scope="col">Occupées</th><th scope="col">Mise à jour</th></tr></thead>
            <tbody>${(f.units ?? []).map((u) => { const stale = isStale(u.availability, f.stale_after_s ?? state.staleAfter); return html`
              <tr class="${stale ? 'stale' : ''}" data-unit="${f.facility.id}/${u.unit.id}">
                <th scope="row">${u.unit.id}<span class="fr-text--xs unit-sex"> ${label(UNIT_SEX, u.unit.sex)}</span></th>
                <td>${u.unit.age_min}–${u.unit.age_max} ans</td>
                <td class="available">${u.availability?.available ?? 0}</td>
                <td>${u.availability?.occupied ?? 0}/${u.availability?.installed ?? u.unit.installed}</td>
                <td>${stale ? html`<span class="fr-badge fr-badge--sm fr-badge--warning">périmée</span> ` : ''}${agoMs(u.availability?.confirmed_at)}</td>
              </tr>`; })}</tbody></table>
        </li>`)}</ul>`);
      map.show(facilities.map((f) => {
        const fresh = (f.units ?? []).filter((u) => !isStale(u.availability, f.stale_after_s ?? state.staleAfter));
        const n = fresh.reduce((s, u) => s + (u.availability?.available ?? 0), 0);
        return { lat: f.facility.lat, lon: f.facility.lon, tone: fresh.length === 0 ? 'stale' : n > 0 ? 'ok' : 'full', label: `${f.facility.name} : ${n} libre(s)` };
      }));
    };
    const free = (f) => (f.units ?? []).reduce((s, u) => s + (isStale(u.availability, f.stale_after_s ?? state.staleAfter) ? 0 : u.availability?.available ?? 0), 0);

    main.querySelector('#dept').addEventListener('change', (e) => { state.dept = e.target.value; load(); });
    main.querySelector('#filter').addEventListener('input', (e) => { state.filter = e.target.value; drawSoon(); });
    const stopLive = onLive((type, data) => {
      if (type === 'resync') { load(); return; }
      if (type !== 'availability' && type !== 'facility') return;
      if (pending) { pending.push(data); return; }
      if (feedChange(state, data)) drawSoon();
    });
    const stopAges = every(60000, drawSoon);
    await load();
    return () => { nextLoad(); clearTimeout(retry); stopLive(); stopAges(); map.remove(); };
  },
};
