// Établissement — mes places: for a night educator's phone. Each unit's free places with large
// − / + buttons (a place taken / a place freed), one "toujours à jour" button, and the holds placed
// on its units (admit, or decline with a coded reason). Live.
import { get, post, query } from '../api.js';
import { me } from '../context.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { announce } from '../notify.js';
import { agoMs, BASES, label, NEEDS, UNIT_SEX, until, years } from '../format.js';
import { errorBox, every, formValues, successBox, throttle, transient, turns } from './common.js';
import { feedChange, isStale } from './feed.js';
import { declineForm } from './request.js';
import { requestList } from './requests.js';

// For whom a hold is: the children it covers (age, sex, needs), the legal basis and the
// pseudonymous reference — what the broker shows a facility of a request held on its units.
function forWhom(hold, request) {
  if (!request) return '';
  const children = request.criteria?.children ?? [];
  const covered = hold.children?.length ? hold.children : children.map((_, i) => i);
  const who = covered.map((i) => {
    const c = children[i];
    if (!c) return `enfant ${i + 1}`;
    const sex = c.sex === 'fille' ? ', fille' : c.sex === 'garcon' ? ', garçon' : '';
    const needs = (c.needs ?? []).map((n) => label(NEEDS, n)).join(', ');
    return `${years(c.age)}${sex}${needs ? ` (${needs})` : ''}`;
  });
  const groupNeeds = (request.criteria?.needs ?? []).map((n) => label(NEEDS, n)).join(', ');
  return html`<p class="hold-for">Pour : <strong>${who.join(' ; ')}</strong>${covered.length < children.length ? ` — ${covered.length} enfant(s) d'une fratrie de ${children.length}` : ''}
    <br>${label(BASES, request.legal_basis)} · réf. ${request.child_ref}${groupNeeds ? ` · besoins : ${groupNeeds}` : ''}</p>`;
}

export default {
  title: 'Mes places',
  roles: ['facility'],
  async render(main) {
    const ids = me()?.facilities ?? [];
    const state = { facilities: new Map(), holds: [], requests: new Map(), sequence: 0, message: null };
    render(main, html`<h1>Mes places</h1><div id="message" aria-live="polite"></div><div id="facilities"></div>
      <section aria-labelledby="holds-title" class="fr-mt-3w"><h2 id="holds-title">Options posées sur mes places</h2><div id="holds"></div></section>`);

    const nextLoad = turns();
    let retry = null;
    const load = async () => {
      const isLatest = nextLoad();
      clearTimeout(retry);
      try {
        const facilities = new Map();
        for (const id of ids) facilities.set(id, await get(`/facilities/${encodeURIComponent(id)}`));
        if (!isLatest()) return;
        state.facilities = facilities;
        await loadHolds();
        if (isLatest()) draw();
      } catch (error) {
        if (!isLatest()) return;
        // The last good figures stay on screen; a passing outage is tried again in a moment.
        if (transient(error) && state.facilities.size) {
          say(errorBox(`${error.message} Nouvel essai dans quelques secondes.`));
          retry = setTimeout(load, 3000);
        } else {
          render(main.querySelector('#facilities'), errorBox(error.message));
        }
      }
    };
    const loadHolds = async () => {
      const all = [];
      for (const id of ids) {
        try {
          const answer = await get(`/holds${query({ facility: id })}`);
          all.push(...(Array.isArray(answer) ? answer : answer?.holds ?? []));
        } catch { all.push(...(state.facilities.get(id)?.holds ?? [])); }
      }
      state.holds = all.filter((h) => h.state === 'active');
      // The requests behind those holds, as the broker shows them to a facility (restricted view).
      try {
        state.requests = new Map(requestList(await get('/requests')).map((s) => [s.request.id, s.request]));
      } catch { state.requests = new Map(); }
    };

    const draw = () => {
      render(main.querySelector('#facilities'), [...state.facilities.values()].map((f) => html`
        <section class="my-facility" data-facility="${f.facility.id}">
          <h2 class="fr-h4">${f.facility.name || f.facility.id}</h2>
          <ul class="my-units">${(f.units ?? []).map((u) => {
            const a = u.availability ?? {};
            const stale = isStale(a, f.stale_after_s);
            return html`<li class="my-unit" data-unit="${u.unit.id}">
              <p class="my-unit-name">Unité ${u.unit.id} <span class="fr-text--sm">${u.unit.age_min}–${u.unit.age_max} ans, ${label(UNIT_SEX, u.unit.sex)}</span></p>
              <div class="stepper">
                <button class="step" data-step="-1" data-facility="${f.facility.id}" data-unit="${u.unit.id}" ${a.available > 0 ? '' : html`disabled`} aria-label="Une place prise dans l'unité ${u.unit.id}">−</button>
                <p class="step-value"><span class="available" data-available="${f.facility.id}/${u.unit.id}">${a.available ?? 0}</span><span class="step-label">libre${a.available > 1 ? 's' : ''}</span></p>
                <button class="step" data-step="1" data-facility="${f.facility.id}" data-unit="${u.unit.id}" ${(a.occupied ?? 0) > 0 ? '' : html`disabled`} aria-label="Une place libérée dans l'unité ${u.unit.id}">+</button>
              </div>
              <p class="fr-text--sm my-unit-facts">${a.occupied ?? 0} occupée(s) · ${a.reserved ?? 0} en option · ${a.installed ?? u.unit.installed} installée(s)
                <br><span class="${stale ? 'stale' : ''}">${stale ? 'À confirmer : ' : ''}mis à jour ${agoMs(a.confirmed_at)}</span></p>
            </li>`;
          })}</ul>
          <button class="fr-btn fr-btn--lg confirm-button fr-icon-check-line fr-btn--icon-left" data-confirm="${f.facility.id}">Toujours à jour</button>
        </section>`));
      render(main.querySelector('#holds'), state.holds.length ? html`<ul class="hold-list">${state.holds.map((h) => html`
        <li class="hold-card" data-hold="${h.id}"><p><strong>Option ${h.id}</strong> : unité ${h.unit_id}, demande <span class="nowrap">${h.request_id}</span>, ${until(h.expires_at)}</p>
          ${forWhom(h, state.requests.get(h.request_id))}
          <button class="fr-btn fr-btn--lg admit-button" data-admit="${h.id}">Admettre</button>
          ${declineForm(h.id)}</li>`)}</ul>` : html`<p>Aucune option en cours.</p>`);
    };

    const say = (box) => render(main.querySelector('#message'), box);
    main.addEventListener('click', async (event) => {
      const step = event.target.closest('[data-step]');
      const confirm = event.target.closest('[data-confirm]');
      const admit = event.target.closest('[data-admit]');
      try {
        if (step) {
          const { facility, unit } = step.dataset;
          const a = state.facilities.get(facility).units.find((u) => u.unit.id === unit).availability;
          const delta = Number(step.dataset.step);
          step.disabled = true;
          await post(`/facilities/${encodeURIComponent(facility)}/units/${encodeURIComponent(unit)}/availability`,
            { available: a.available + delta, occupied: Math.max(0, a.occupied - delta) });
          a.available += delta;
          a.occupied = Math.max(0, a.occupied - delta);
          a.confirmed_at = Date.now();
          say(successBox(`Unité ${unit} : ${a.available} place(s) libre(s), enregistré.`));
          draw();
        }
        if (confirm) {
          await post(`/facilities/${encodeURIComponent(confirm.dataset.confirm)}/confirm`, {});
          for (const u of state.facilities.get(confirm.dataset.confirm).units) if (u.availability) u.availability.confirmed_at = Date.now();
          say(successBox('Merci : vos places sont confirmées à jour.'));
          draw();
        }
        if (admit) {
          await post(`/holds/${admit.dataset.admit}/admit`, {});
          announce('Admission enregistrée.');
          say(successBox(`Admission enregistrée (option ${admit.dataset.admit}).`));
          await load();
        }
      } catch (error) { say(errorBox(error.message)); draw(); }
    });
    main.addEventListener('submit', async (event) => {
      event.preventDefault();
      const id = event.target.dataset.decline;
      if (!id) return;
      try {
        await post(`/holds/${id}/decline`, formValues(event.target));
        say(successBox(`Refus enregistré (option ${id}).`));
        await load();
      } catch (error) { say(errorBox(error.message)); }
    });
    const reloadHolds = throttle(async () => { await loadHolds(); draw(); }, 300);
    const stopLive = onLive((type, data) => {
      if (type === 'resync') { load(); return; }
      if (type === 'hold') { reloadHolds(); announce('Une option vient d\'être posée ou modifiée sur vos places.'); }
      if (type === 'availability' && feedChange(state, data)) draw();
    });
    const stopAges = every(60000, draw);
    await load();
    return () => { nextLoad(); clearTimeout(retry); stopLive(); stopAges(); };
  },
};
