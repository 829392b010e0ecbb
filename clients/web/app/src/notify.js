// Browser notifications for alerts, only when the person allowed them; and a screen-reader
// announcement for any live change a page wants to say.
import { label } from './format.js';

export function announce(text) {
  const announcer = document.getElementById('announcer');
  if (!announcer) return;
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 50);
}

export function notificationsAllowed() {
  return 'Notification' in window && Notification.permission === 'granted';
}

export async function askNotifications() {
  if (!('Notification' in window)) return 'unsupported';
  return Notification.requestPermission();
}

export function notifyAlert(alert) {
  const counter = document.getElementById('alert-count');
  if (counter) {
    const n = Number(counter.dataset.count ?? 0) + 1;
    counter.dataset.count = String(n);
    counter.textContent = `(${n})`;
  }
  if (notificationsAllowed() && document.visibilityState !== 'visible') {
    new Notification('dispo — nouvelle alerte', { body: alert.message ?? label({}, alert.kind), tag: `alert-${alert.number}` });
  }
}
