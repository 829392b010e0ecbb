// Astreinte — trouver une place: a sibling group, near a commune or a point, within a radius;
// ranked results (whole group first, then distance, then freshness, as the broker ranks them),
// each with its age and 24/7 phone, on a map; live: a place taken elsewhere stays on screen with
// "cette place vient d'être prise"; "Poser une option" holds the place for a placement request.
import { get, post, query } from '../api.js';
import { departements, findCommunes, me } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { announce } from '../notify.js';
import { createMap } from '../map.js';
import { ago, BASES, CHILD_SEX, HOLD_STATES, KINDS, km, label, moment, NEEDS, plural, REFUSALS, until } from '../format.js';
import { errorBox, every, formValues, infoBox, successBox, throttle, turns } from './common.js';
import { requestList } from './requests.js';

const EMPTY_CHILD = () => ({ age: '', sex: 'non_precise', needs: [] });

export default {
  title: 'Astreinte — trouver une place',
  roles: ['on_call'],
  async render(main) {
    const state = {
      children: [EMPTY_CHILD()], result: null, shown: new Map(), taken: new Map(), fresh: new Set(),
      criteria: null, holds: new Map(), heldMatches: new Map(), at: 0, order: new Map(),
    };
    render(main, html`
      <h1>Trouver une place</h1>
      <form id="search" class="search-form" novalidate>
        <fieldset class="fr-fieldset" aria-labelledby="children-legend">
          <legend class="fr-fieldset__legend" id="children-legend">Les enfants (une ligne par enfant de la fratrie)</legend>
          <div id="children" class="children"></div>
          <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm fr-icon-add-line fr-btn--icon-left" id="add-child">Ajouter un enfant</button>
        </fieldset>
        <div class="search-where">
          <div class="fr-input-group">
            <label class="fr-label" for="near">Près de<span class="fr-hint-text">Commune (ex. Lille) ou point « 50.63,3.06 »</span></label>
            <input class="fr-input" id="near" name="near" list="near-list" autocomplete="off">
            <datalist id="near-list"></datalist>
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="max_km">Rayon (km)</label>
            <input class="fr-input" id="max_km" name="max_km" type="number" min="1" max="500" value="40" inputmode="numeric">
          </div>
          <div class="fr-select-group">
            <label class="fr-label" for="dept">Département</label>
            <select class="fr-select" id="dept" name="dept">${departements().map((d) => html`<option value="${d}">${d}</option>`)}</select>
          </div>
          <div class="fr-select-group">
            <label class="fr-label" for="kind">Type d'établissement</label>
            <select class="fr-select" id="kind" name="kind"><option value="">Tous</option>
              ${Object.entries(KINDS).map(([k, v]) => html`<option value="${k}">${v}</option>`)}</select>
          </div>
        </div>
        <div class="fr-checkbox-group fr-mb-2w">
          <input type="checkbox" id="emergency" name="emergency">
          <label class="fr-label" for="emergency">Accueil d'urgence uniquement (admission sous 24 h)</label>
        </div>
        <div id="search-error"></div>
        <button class="fr-btn fr-icon-search-line fr-btn--icon-left" type="submit">Chercher</button>
      </form>
      <div class="results-layout fr-mt-3w">
        <section aria-labelledby="results-title" class="results-column">
          <h2 id="results-title">Résultats</h2>
          <div id="results" aria-live="polite"><p>Décrivez la fratrie puis lancez la recherche.</p></div>
        </section>
        <section class="map-column" aria-label="Carte des résultats"><div id="map" class="map"></div></section>
      </div>`);

    const childrenBox = main.querySelector('#children');
    const drawChildren = () => render(childrenBox, state.children.map((child, i) => html`
      <div class="child-row" data-child="${i}">
        <span class="child-title">Enfant ${i + 1}</span>
        <div class="fr-input-group">
          <label class="fr-label" for="age-${i}">Âge (ans)</label>
          <input class="fr-input" id="age-${i}" data-field="age" type="number" min="0" max="21" inputmode="numeric" value="${child.age}">
        </div>
        <div class="fr-select-group">
          <label class="fr-label" for="sex-${i}">Sexe</label>
          <select class="fr-select" id="sex-${i}" data-field="sex">
            ${Object.entries(CHILD_SEX).map(([k, v]) => html`<option value="${k}" ${k === child.sex ? html`selected` : ''}>${v}</option>`)}
          </select>
        </div>
        <details class="child-needs">
          <summary>Besoins (${child.needs.length})</summary>
          ${Object.entries(NEEDS).map(([k, v]) => html`<div class="fr-checkbox-group fr-checkbox-group--sm">
            <input type="checkbox" id="need-${i}-${k}" data-need="${k}" ${child.needs.includes(k) ? html`checked` : ''}>
            <label class="fr-label" for="need-${i}-${k}">${v}</label></div>`)}
        </details>
        ${state.children.length > 1 ? html`<button type="button" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-delete-line" data-remove="${i}" title="Retirer l'enfant ${i + 1}">Retirer l'enfant ${i + 1}</button>` : ''}
      </div>`));
    drawChildren();
    childrenBox.addEventListener('input', (event) => {
      const row = event.target.closest('[data-child]');
      if (!row) return;
      const child = state.children[Number(row.dataset.child)];
      if (event.target.dataset.field) child[event.target.dataset.field] = event.target.value;
      if (event.target.dataset.need) {
        const need = event.target.dataset.need;
        child.needs = event.target.checked ? [...child.needs, need] : child.needs.filter((n) => n !== need);
        row.querySelector('summary').textContent = `Besoins (${child.needs.length})`;
      }
    });
    childrenBox.addEventListener('click', (event) => {
      const remove = event.target.closest('[data-remove]');
      if (!remove) return;
      state.children.splice(Number(remove.dataset.remove), 1);
      drawChildren();
    });
    main.querySelector('#add-child').addEventListener('click', () => {
      if (state.children.length >= 8) return;
      state.children.push(EMPTY_CHILD());
      drawChildren();
      main.querySelector(`#age-${state.children.length - 1}`).focus();
    });

    const nearInput = main.querySelector('#near');
    let communes = [];
    nearInput.addEventListener('input', async () => {
      communes = await findCommunes(nearInput.value);
      render(main.querySelector('#near-list'), communes.map((c) => html`<option value="${c.name}">${c.postcode ?? c.insee} — ${c.departement ?? ''}</option>`));
    });

    const map = await createMap(main.querySelector('#map'), departements());

    const resolveNear = async (text) => {
      if (!text) return null;
      const point = text.match(/^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/);
      if (point) return { lat: Number(point[1]), lon: Number(point[2]), name: `le point ${point[1]}, ${point[2]}` };
      const list = communes.length ? communes : await findCommunes(text);
      const norm = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      const found = list.find((c) => norm(c.name) === norm(text)) ?? list[0];
      return found ? { lat: found.lat, lon: found.lon, name: found.name } : undefined;
    };

    const nextSearch = turns();
    const search = async ({ live = false } = {}) => {
      const { criteria } = state;
      const params = {
        age: criteria.children.map((c) => c.age),
        dept: criteria.dept, kind: criteria.kind, emergency: criteria.emergency ? 1 : '',
        near: criteria.near ? `${criteria.near.lat},${criteria.near.lon}` : '',
        max_km: criteria.near ? criteria.max_km : '',
      };
      if (criteria.children.some((c) => c.sex !== 'non_precise')) {
        params.sex = criteria.children.map((c) => (c.sex === 'non_precise' ? 'x' : c.sex)).join(',');
      }
      params.need = criteria.children.flatMap((c, i) => c.needs.map((n) => `${i + 1}:${n}`));
      const isLatest = nextSearch();
      const result = await get(`/find${query(params)}`);
      if (!isLatest()) return;  // a newer search (typed or live) is on its way
      compare(result, live);
      state.result = result;
      state.at = Date.now();
      drawResults();
    };

    // A match is "the same place" when the facility and the units used are the same.
    const key = (m) => `${m.facility_id}|${(m.placements ?? []).map((p) => p.unit_id).join('+')}`;
    const compare = (result, live) => {
      const now = new Map([...(result.matches ?? []), ...(result.split ?? [])].map((m) => [key(m), m]));
      if (!live) {
        state.taken.clear(); state.fresh.clear(); state.shown = now;
        state.order = new Map([...now.keys()].map((k, i) => [k, i]));
        return;
      }
      // A live change never moves a card under the reader's finger: places already shown keep
      // their order, new ones come after them (badged), a new search ranks everything again.
      for (const k of now.keys()) if (!state.order.has(k)) state.order.set(k, state.order.size);
      const gone = [...state.shown.entries()].filter(([k]) => !now.has(k) && !state.taken.has(k));
      for (const [k, m] of gone) state.taken.set(k, { match: m, at: Date.now() });
      for (const k of now.keys()) {
        if (!state.shown.has(k) && !state.taken.has(k)) state.fresh.add(k);
        state.taken.delete(k);
      }
      if (gone.length) announce(gone.map(([, m]) => `${m.name} : cette place vient d'être prise.`).join(' '));
      state.shown = new Map([...state.shown, ...now]);
      for (const k of state.shown.keys()) if (!now.has(k) && !state.taken.has(k)) state.shown.delete(k);
    };

    const placementText = (m) => (m.placements ?? []).map((p) => {
      const who = (p.children ?? []).map((i) => `enfant ${i + 1}`).join(', ');
      return `unité ${p.unit_id}${who ? ` (${who})` : ''} : ${plural(p.availability?.available ?? 0, 'place libre', 'places libres')}`;
    }).join(' ; ');

    // "2 enfants sur 3 ici (enfants 2 et 3)": a place for part of the group says for whom.
    const partOfGroup = (m) => {
      const here = (m.placements ?? []).flatMap((p) => p.children ?? []).sort((a, b) => a - b);
      const n = state.criteria.children.length;
      if (n < 2 || here.length === 0) return 'une partie de la fratrie';
      const who = here.map((i) => i + 1);
      const names = who.length === 1 ? `enfant ${who[0]}` : `enfants ${who.slice(0, -1).join(', ')} et ${who[who.length - 1]}`;
      return `${here.length} ${here.length > 1 ? 'enfants' : 'enfant'} sur ${n} ici (${names}) : la fratrie serait séparée`;
    };

    const card = (m, rank, { taken = null } = {}) => {
      const k = key(m);
      const hold = state.holds.get(k);
      return html`
      <li class="result ${taken ? 'result--taken' : ''} ${m.stale ? 'result--stale' : ''}" data-facility="${m.facility_id}" data-key="${k}">
        <div class="result-head">
          <span class="result-rank" aria-hidden="true">${rank}</span>
          <h3 class="result-name">${m.name || m.facility_id}</h3>
        </div>
        ${taken ? html`<p class="fr-badge fr-badge--error taken-notice" role="status">Cette place vient d'être prise (${moment(taken.at)})</p>` : ''}
        ${!taken && state.fresh.has(k) ? html`<p class="fr-badge fr-badge--success">Nouvelle place</p>` : ''}
        <p class="result-facts">
          ${label(KINDS, m.kind)} · ${m.distance_km !== undefined && m.distance_km !== null ? km(m.distance_km) : `dép. ${m.departement}`}
          · ${m.whole_group ? html`<strong>toute la fratrie ensemble</strong>` : partOfGroup(m)}
        </p>
        <p class="result-units">${placementText(m)}</p>
        <p class="result-age ${m.stale ? 'stale' : ''}">Mis à jour ${ago((m.age_s ?? 0) + (Date.now() - state.at) / 1000)}${m.stale ? ' — données périmées, à confirmer' : ''}</p>
        <p class="result-phone">${m.phone ? html`<a class="fr-link fr-icon-phone-line fr-link--icon-left" href="tel:${m.phone.replace(/[^\d+]/g, '')}">${m.phone}</a> (24 h/24)` : 'pas de téléphone enregistré'}</p>
        ${hold ? holdStatus(hold) : taken ? '' : html`<button class="fr-btn fr-btn--secondary fr-btn--sm" data-hold="${k}">Poser une option</button>`}
        <div class="hold-panel" data-panel="${k}"></div>
      </li>`;
    };

    const holdStatus = (hold) => html`<div class="hold-status" data-hold-id="${hold.id}" data-hold-ids="${(hold.all ?? [hold]).map((h) => h.id).join(' ')}">
      ${hold.state === 'admitted' ? successBox(`Admission confirmée par l'établissement (option ${hold.id}, demande ${hold.request_id}).`)
        : hold.state === 'declined' ? errorBox(`L'établissement a refusé l'option ${hold.id}${hold.reason ? ` : ${label(REFUSALS, hold.reason)}` : ''}.`)
        : hold.state === 'active' ? infoBox(hold.all?.length > 1
          ? `Options posées pour la demande ${hold.request_id}, ${until(hold.expires_at)} : ${hold.all.map((h) => `${h.id} (unité ${h.unit_id}${h.state === 'active' ? '' : ` : ${label(HOLD_STATES, h.state)}`})`).join(', ')}. L'établissement les voit et peut admettre.`
          : `Option ${hold.id} posée pour la demande ${hold.request_id}, ${until(hold.expires_at)}. L'établissement la voit et peut admettre.`)
        : infoBox(`Option ${hold.id} : ${label(HOLD_STATES, hold.state)}.`)}
      <a class="fr-link" href="#/demandes/${hold.request_id}">Ouvrir la demande ${hold.request_id}</a></div>`;

    const drawResults = () => {
      const box = main.querySelector('#results');
      const r = state.result;
      if (!r) return;
      const held = new Set(state.holds.keys());
      const free = (m) => !held.has(key(m));
      const shownOrder = (a, b) => (state.order.get(key(a)) ?? Infinity) - (state.order.get(key(b)) ?? Infinity);
      const matches = (r.matches ?? []).filter(free).sort(shownOrder);
      const split = (r.split ?? []).filter(free).sort(shownOrder);
      const taken = [...state.taken.entries()].filter(([k]) => !held.has(k));
      const n = state.criteria.children.length;
      // A live change redraws the list; an option form being filled in must survive it, with what
      // was typed and the focus (it moves into the redrawn card of the same place).
      const open = new Map([...box.querySelectorAll('.hold-panel')].filter((p) => p.firstElementChild)
        .map((p) => [p.dataset.panel, p]));
      const focused = document.activeElement;
      const selection = focused && 'selectionStart' in focused ? [focused.selectionStart, focused.selectionEnd] : null;
      render(box, html`
        ${held.size ? html`<h3 class="fr-h6">Vos options</h3><ol class="results held">${[...state.heldMatches.entries()].map(([, m]) => card(m, '✓'))}</ol>` : ''}
        <p class="results-summary">${matches.length === 0 && split.length === 0 ? 'Aucune place ne correspond maintenant.' : ''}
          ${r.whole_group_found ? plural(matches.filter((m) => m.whole_group).length, 'établissement accueille', 'établissements accueillent') + (n > 1 ? ' toute la fratrie.' : " l'enfant.") : n > 1 && matches.length + split.length ? 'Aucun établissement ne prend toute la fratrie : voici les places les plus proches.' : ''}
          ${r.stale_excluded ? ` ${plural(r.stale_excluded, 'unité aux données périmées est écartée', 'unités aux données périmées sont écartées')}.` : ''}
          <span class="results-time">Résultat ${moment(state.at)}, mis à jour en direct.</span></p>
        <ol class="results">${[...matches.map((m, i) => card(m, i + 1)), ...split.map((m, i) => card(m, matches.length + i + 1)),
          ...taken.map(([, t]) => card(t.match, '×', { taken: t }))]}</ol>`);
      for (const [k, panel] of open) {
        const again = box.querySelector(`[data-panel="${CSS.escape(k)}"]`);
        if (!again || state.holds.has(k)) continue;
        again.replaceChildren(...panel.childNodes);
        again.closest('.result')?.querySelector('[data-hold]')?.setAttribute('aria-expanded', 'true');
      }
      if (focused && focused !== document.activeElement && box.contains(focused)) {
        focused.focus({ preventScroll: true });
        if (selection) try { focused.setSelectionRange(...selection); } catch { /* not a text field */ }
      }
      map.show([
        ...matches.map((m, i) => ({ lat: m.lat, lon: m.lon, number: i + 1, tone: m.stale ? 'stale' : 'ok', label: `${i + 1}. ${m.name}` })),
        ...split.map((m, i) => ({ lat: m.lat, lon: m.lon, number: matches.length + i + 1, tone: 'split', label: `${matches.length + i + 1}. ${m.name}` })),
        ...taken.map(([, t]) => ({ lat: t.match.lat, lon: t.match.lon, tone: 'taken', label: `${t.match.name} : place prise` })),
      ], { fit: !state.fitted });
      state.fitted = true;
      if (state.criteria.near) map.center(state.criteria.near.lat, state.criteria.near.lon);
    };

    main.querySelector('#search').addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      const errorBoxEl = main.querySelector('#search-error');
      render(errorBoxEl, '');
      const children = state.children.map((c) => ({ ...c, age: c.age === '' ? NaN : Number(c.age) }));
      const bad = children.findIndex((c) => !Number.isInteger(c.age) || c.age < 0 || c.age > 21);
      if (bad >= 0) { render(errorBoxEl, errorBox(`Enfant ${bad + 1} : âge attendu de 0 à 21 ans.`)); main.querySelector(`#age-${bad}`).focus(); return; }
      const near = await resolveNear(values.near);
      if (near === undefined) { render(errorBoxEl, errorBox(`Commune inconnue « ${values.near} » : choisissez-la dans la liste ou donnez un point « 50.63,3.06 ».`)); return; }
      state.criteria = { children, dept: values.dept, kind: values.kind, emergency: values.emergency, near, max_km: Number(values.max_km) || 40 };
      state.fitted = false;
      try { await search(); } catch (error) { render(errorBoxEl, errorBox(error.message)); }
    });

    const results = main.querySelector('#results');
    results.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-hold]');
      if (button) openHoldPanel(button.dataset.hold);
    });

    const openHoldPanel = async (k) => {
      const units = (state.shown.get(k)?.placements ?? []).length;
      const several = units > 1;
      let list = [];
      try { list = requestList(await get(`/requests${query({ dept: state.criteria.dept, state: 'open' })}`)).map((s) => s.request); } catch { list = []; }
      // Looked up after the wait: a live change may have redrawn the card meanwhile.
      const panel = results.querySelector(`[data-panel="${CSS.escape(k)}"]`);
      if (!panel) return;
      render(panel, html`<form class="hold-form" data-key="${k}">
        <fieldset class="fr-fieldset"><legend class="fr-fieldset__legend fr-text--regular">Pour quelle demande ?</legend>
        <div class="fr-select-group">
          <label class="fr-label" for="hold-request">Demande</label>
          <select class="fr-select" id="hold-request" name="request_id">
            <option value="">Nouvelle demande pour cette fratrie</option>
            ${list.map((r) => html`<option value="${r.id}">${r.id} — ${r.child_ref} (${label(BASES, r.legal_basis)})</option>`)}
          </select>
        </div>
        <div class="fr-input-group"><label class="fr-label" for="hold-child">Référence de l'enfant (nouvelle demande)<span class="fr-hint-text">Pseudonyme du dossier, jamais le nom</span></label>
          <input class="fr-input" id="hold-child" name="child_ref" autocomplete="off"></div>
        <div class="fr-select-group"><label class="fr-label" for="hold-basis">Cadre (nouvelle demande)</label>
          <select class="fr-select" id="hold-basis" name="legal_basis">${Object.entries(BASES).map(([b, v]) => html`<option value="${b}">${v}</option>`)}</select></div>
        ${several ? html`<div class="fr-input-group"><label class="fr-label" for="hold-split">Motif de la séparation (obligatoire)
            <span class="fr-hint-text">Cette proposition répartit la fratrie sur ${units} unités. Le Code civil (art. 371-5) ne sépare des frères et sœurs que si vivre ensemble est impossible ou contraire à leur intérêt : dites pourquoi.</span></label>
          <textarea class="fr-input" id="hold-split" name="split_reason" rows="2" maxlength="500"></textarea></div>` : ''}
        <div class="fr-select-group"><label class="fr-label" for="hold-duration">Durée de l'option</label>
          <select class="fr-select" id="hold-duration" name="duration_s"><option value="3600">1 h</option><option value="7200" selected>2 h</option><option value="14400">4 h</option></select></div>
        <div class="hold-error"></div>
        <button class="fr-btn fr-btn--sm" type="submit">Confirmer l'option</button>
        </fieldset></form>`);
      panel.querySelector('select').focus();
    };

    results.addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const k = form.dataset.key;
      const match = state.shown.get(k);
      const values = formValues(form);
      const errorEl = form.querySelector('.hold-error');
      try {
        let requestId = values.request_id;
        if (!requestId) {
          if (!values.child_ref) { render(errorEl, errorBox("Donnez la référence (pseudonyme) de l'enfant.")); return; }
          const c = state.criteria;
          const opened = await post('/requests', {
            child_ref: values.child_ref, origin: 'on_call', legal_basis: values.legal_basis, keep_together: true,
            criteria: {
              children: c.children.map((ch) => ({ age: ch.age, sex: ch.sex, needs: ch.needs })), departement: c.dept,
              ...(c.near ? { near_lat: c.near.lat, near_lon: c.near.lon, max_km: c.max_km } : {}), emergency_only: Boolean(c.emergency),
            },
          });
          requestId = (opened.request ?? opened).id;
        }
        // One hold per unit of the proposal, each for the children it takes (issue #10: a
        // sibling group spread over two houses of a village holds a place in each).
        // The units after the first separate the group: they carry the reason (Code civil 371-5).
        const placements = match.placements ?? [];
        const several = placements.length > 1;
        const reason = (values.split_reason ?? '').trim();
        if (several && !reason) {
          render(errorEl, errorBox('Dites pourquoi la fratrie est répartie sur plusieurs unités (motif de la séparation).'));
          form.querySelector('#hold-split')?.focus();
          return;
        }
        const holds = [];
        try {
          for (const placement of placements) {
            const placed = await post('/holds', {
              facility_id: match.facility_id, unit_id: placement.unit_id, request_id: requestId,
              duration_s: Number(values.duration_s),
              ...(several && placement.children ? { children: placement.children } : {}),
              ...(holds.length > 0 ? { split_reason: reason } : {}),
            });
            holds.push(placed.hold ?? placed);
          }
        } catch (error) {
          if (!holds.length) throw error;
          // Some units held, one refused (taken meanwhile): say exactly what is held.
          const held = holds.map((h) => `${h.id} (unité ${h.unit_id})`).join(', ');
          render(errorEl, errorBox(`Options posées : ${held} ; la suivante est refusée : ${error.message} `
            + `Les options posées restent actives : ouvrez la demande ${requestId} pour compléter ou les libérer.`));
          return;
        }
        const hold = holds[0];
        state.holds.set(k, { ...hold, all: holds });
        state.heldMatches.set(k, match);
        announce(`${holds.length > 1 ? `Options ${holds.map((h) => h.id).join(' et ')} posées` : `Option ${hold.id} posée`} chez ${match.name}.`);
        drawResults();
      } catch (error) {
        render(errorEl, errorBox(error.message));
      }
    });

    const refresh = throttle(() => { if (state.criteria) search({ live: true }).catch(() => {}); }, 400);
    const stopLive = onLive((type, data) => {
      if (type === 'availability' || type === 'facility' || type === 'resync') refresh();
      if (type === 'hold') {
        const hold = data.hold ?? data.change?.hold ?? data;
        for (const [k, h] of state.holds) {
          const all = (h.all ?? [h]).map((one) => (one.id === hold.id ? { ...one, ...hold } : one));
          if (all.some((one) => one.id === hold.id)) {
            // Several units: admitted once every unit admitted; declined as soon as one declines.
            const merged = all.every((one) => one.state === 'admitted') ? 'admitted'
              : all.some((one) => one.state === 'declined') ? 'declined' : all.find((one) => one.state !== 'admitted')?.state;
            state.holds.set(k, { ...h, ...(hold.id === h.id ? hold : {}), all, state: merged });
            if (hold.state === 'admitted') announce(`L'établissement a admis (option ${hold.id}).`);
            if (hold.state === 'declined') announce(`L'établissement a refusé l'option ${hold.id}.`);
            drawResults();
          }
        }
      }
    });
    const stopAges = every(30000, drawResults);
    return () => { stopLive(); stopAges(); map.remove(); };
  },
};
