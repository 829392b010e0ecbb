// How fresh the bus's answers are. In a cluster, a member cut off from its leader keeps answering
// from what it has and says how old that may be (dispo-web passes it on: X-Dispo-Served-By,
// X-Dispo-Lag-Ms); a banner says so until a member in touch with its leader answers again.
// Answers that did not come from a cluster member (a single broker, the gateway's own) change nothing.
import { duration } from './format.js';

// "3 s" under a minute (a cut is usually that short), "4 min", "2 h 5 min" beyond.
const howLong = (seconds) => (seconds < 60 ? `${Math.max(1, Math.round(seconds))} s` : duration(seconds));

export function reportFreshness(headers) {
  const member = headers.get('X-Dispo-Served-By');
  const banner = document.getElementById('stale-banner');
  if (!member || !banner) return;
  const lagMs = Number(headers.get('X-Dispo-Lag-Ms') ?? 0);
  if (!(lagMs > 0)) {
    banner.hidden = true;
    return;
  }
  banner.querySelector('.stale-text').textContent =
    `Réponse du nœud ${member} du bus dispo, sans nouvelles des autres nœuds depuis ${howLong(lagMs / 1000)} : ` +
    'les places affichées ont pu changer depuis. Vérifiez par téléphone avant de promettre une place.';
  banner.hidden = false;
}
