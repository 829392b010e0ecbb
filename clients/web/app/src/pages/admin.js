// Administration: principals and their web accounts — grant (with an enrolment code), a new
// enrolment code, revoke.
import { del, get, post } from '../api.js';
import { html, render } from '../html.js';
import { dateTime, label, ROLES } from '../format.js';
import { errorBox, formValues, successBox } from './common.js';

export default {
  title: 'Administration',
  roles: ['admin'],
  async render(main) {
    render(main, html`<h1>Administration des comptes</h1><div id="admin-message" aria-live="polite"></div>
      <details class="fr-mb-3w"><summary class="fr-btn fr-btn--secondary fr-icon-add-line fr-btn--icon-left">Créer un compte</summary>
      <form id="grant" class="fr-mt-2w" novalidate><div class="form-grid">
        <div class="fr-input-group"><label class="fr-label" for="name">Identifiant<span class="fr-hint-text">ex. astreinte-59, mecs-tilleuls</span></label><input class="fr-input" id="name" name="name" autocapitalize="none" required></div>
        <div class="fr-select-group"><label class="fr-label" for="role">Rôle</label><select class="fr-select" id="role" name="role">${Object.entries(ROLES).map(([k, v]) => html`<option value="${k}">${v}</option>`)}</select></div>
        <div class="fr-input-group"><label class="fr-label" for="departements">Départements<span class="fr-hint-text">Séparés par des virgules (astreinte, hôpital, juge)</span></label><input class="fr-input" id="departements" name="departements"></div>
        <div class="fr-input-group"><label class="fr-label" for="facilities">Établissements<span class="fr-hint-text">Numéros FINESS, séparés par des virgules (établissement)</span></label><input class="fr-input" id="facilities" name="facilities"></div>
      </div><button class="fr-btn" type="submit">Créer et obtenir le code d'activation</button></form></details>
      <div id="principals"></div>`);
    const say = (box) => render(main.querySelector('#admin-message'), box);
    const codeBox = (name, answer) => successBox(`Code d'activation pour ${name} : ${answer.enrolment_code} — valable ${answer.valid_until ? `jusqu'au ${dateTime(answer.valid_until)}` : '72 h'}. Remettez-le à la personne par un autre canal.`);
    const load = async () => {
      try {
        const answer = await get('/principals');
        const list = Array.isArray(answer) ? answer : answer.principals ?? [];
        render(main.querySelector('#principals'), html`<div class="fr-table fr-table--bordered"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table>
          <caption>Comptes (${list.length})</caption>
          <thead><tr><th scope="col">Identifiant</th><th scope="col">Rôle</th><th scope="col">Périmètre</th><th scope="col">État</th><th scope="col">Actions</th></tr></thead>
          <tbody>${list.map((p) => html`<tr data-principal="${p.name}"><th scope="row">${p.name}</th><td>${label(ROLES, p.role)}</td>
            <td>${[...(p.departements ?? []), ...(p.facilities ?? [])].join(', ')}</td><td>${p.revoked ? 'révoqué' : 'actif'}</td>
            <td>${p.revoked ? '' : html`<button class="fr-btn fr-btn--sm fr-btn--tertiary" data-reset="${p.name}">Nouveau code</button>
              <button class="fr-btn fr-btn--sm fr-btn--tertiary" data-revoke="${p.name}">Révoquer</button>`}</td></tr>`)}</tbody></table></div></div></div></div>`);
      } catch (error) { render(main.querySelector('#principals'), errorBox(error.message)); }
    };
    const list = (text) => (text ? text.split(/[,;\s]+/).filter(Boolean) : []);
    main.querySelector('#grant').addEventListener('submit', async (event) => {
      event.preventDefault();
      const v = formValues(event.target);
      if (!v.name) return say(errorBox("Donnez l'identifiant du compte."));
      try {
        const answer = await post('/principals', { name: v.name, role: v.role, departements: list(v.departements), facilities: list(v.facilities), web: true });
        say(codeBox(v.name, answer));
        event.target.reset();
        await load();
      } catch (error) { say(errorBox(error.message)); }
      return undefined;
    });
    main.addEventListener('click', async (event) => {
      const reset = event.target.closest('[data-reset]');
      const revoke = event.target.closest('[data-revoke]');
      try {
        if (reset) say(codeBox(reset.dataset.reset, await post(`/principals/${encodeURIComponent(reset.dataset.reset)}/web-reset`, {})));
        if (revoke && window.confirm(`Révoquer ${revoke.dataset.revoke} ? Ses sessions s'arrêtent aussitôt.`)) {
          await del(`/principals/${encodeURIComponent(revoke.dataset.revoke)}`);
          say(successBox(`${revoke.dataset.revoke} est révoqué.`));
          await load();
        }
      } catch (error) { say(errorBox(error.message)); }
    });
    await load();
  },
};
