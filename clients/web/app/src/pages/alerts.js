// Alertes: the person's durable alerts, live, acknowledged one by one; browser notifications
// when the person allows them.
import { get, post } from '../api.js';
import { html, render } from '../html.js';
import { onLive } from '../live.js';
import { agoMs } from '../format.js';
import { askNotifications, notificationsAllowed } from '../notify.js';
import { errorBox, turns } from './common.js';

const KIND_LABELS = {
  place_matches: 'Place disponible', request_changed: 'Demande modifiée', facility_stale: 'Données périmées',
  request_waiting: 'Attente prolongée', capacity_low: 'Capacité basse',
};

export default {
  title: 'Alertes',
  roles: ['on_call', 'hospital', 'facility', 'judge', 'observatory'],
  async render(main) {
    const state = { alerts: [], acknowledged: 0 };
    render(main, html`<div class="page-head"><h1>Alertes <span class="live-dot">en direct</span></h1>
      <div id="notify"></div></div><div id="alerts-error"></div><ul id="alerts" class="alert-list"></ul>`);
    const drawNotify = () => render(main.querySelector('#notify'), 'Notification' in window && !notificationsAllowed()
      ? html`<button class="fr-btn fr-btn--secondary fr-btn--sm fr-icon-notification-3-line fr-btn--icon-left" id="allow">Recevoir une notification du navigateur</button>`
      : notificationsAllowed() ? html`<p class="fr-text--sm">Notifications du navigateur activées.</p>` : '');
    const draw = () => {
      const pending = state.alerts.filter((a) => a.number > state.acknowledged);
      const counter = document.getElementById('alert-count');
      if (counter) { counter.dataset.count = String(pending.length); counter.textContent = pending.length ? `(${pending.length})` : ''; }
      // The broker keeps one cursor per person (acknowledging n acknowledges every alert up to n):
      // pending alerts are shown oldest first and acknowledged in that order, one by one.
      const done = state.alerts.filter((a) => a.number <= state.acknowledged).reverse();
      const item = (a, i) => html`
        <li class="alert-card ${a.number > state.acknowledged ? 'alert-card--new' : ''}" data-alert="${a.number}">
          <p class="alert-kind"><span class="fr-badge fr-badge--sm ${a.kind === 'place_matches' ? 'fr-badge--success' : 'fr-badge--info'}">${KIND_LABELS[a.kind] ?? a.kind}</span> <span class="fr-text--sm">${agoMs(a.time)}</span></p>
          <p>${a.message}</p>
          ${a.request_id ? html`<p><a href="#/demandes/${a.request_id}">Demande ${a.request_id}</a></p>` : ''}
          ${a.number > state.acknowledged ? (i === 0 ? html`<button class="fr-btn fr-btn--sm fr-btn--secondary" data-ack="${a.number}">Marquer comme lue</button>` : '') : html`<p class="fr-text--xs">Lue</p>`}
        </li>`;
      render(main.querySelector('#alerts'), state.alerts.length ? html`
        ${pending.length ? html`<li><h2 class="fr-h5">À traiter (${pending.length}), de la plus ancienne à la plus récente</h2></li>` : ''}
        ${pending.map(item)}
        ${done.length ? html`<li><h2 class="fr-h5 fr-mt-3w">Déjà lues</h2></li>` : ''}
        ${done.map((a) => item(a, 1))}` : html`<li>Aucune alerte.</li>`);
    };
    const nextLoad = turns();
    const load = async () => {
      const isLatest = nextLoad();
      try {
        // GET /alerts gives the alerts after the acknowledged cursor; the last 10 read ones too.
        const pending = await get('/alerts');
        const acknowledged = pending.acknowledged ?? 0;
        const read = acknowledged > 0 ? await get(`/alerts?after=${Math.max(0, acknowledged - 10)}`) : { alerts: [] };
        if (!isLatest()) return;
        state.acknowledged = acknowledged;
        const byNumber = new Map([...(read.alerts ?? []), ...(pending.alerts ?? [])].map((a) => [a.number, a]));
        state.alerts = [...byNumber.values()].sort((a, b) => a.number - b.number);
        draw();
      } catch (error) { if (isLatest()) render(main.querySelector('#alerts-error'), errorBox(error.message)); }
    };
    main.addEventListener('click', async (event) => {
      if (event.target.id === 'allow') { await askNotifications(); drawNotify(); return; }
      const ack = event.target.closest('[data-ack]');
      if (!ack) return;
      try {
        await post(`/alerts/${ack.dataset.ack}/ack`, {});
        state.acknowledged = Math.max(state.acknowledged, Number(ack.dataset.ack));
        draw();
      } catch (error) { render(main.querySelector('#alerts-error'), errorBox(error.message)); }
    });
    const stopLive = onLive((type, data) => {
      if (type === 'alert') { if (!state.alerts.some((a) => a.number === data.number)) state.alerts.push(data); draw(); }
      if (type === 'resync') load();
    });
    drawNotify();
    await load();
    return stopLive;
  },
};
