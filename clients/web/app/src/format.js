// French words for the schema's values, and times and durations as people say them.

export const KINDS = {
  mecs: 'MECS', foyer_urgence: "foyer de l'enfance (urgence)", assistant_familial: 'accueil familial',
  pouponniere: 'pouponnière', lieu_de_vie: 'lieu de vie', village_enfants: "village d'enfants",
  accueil_jour: 'accueil de jour', accueil_sequentiel: 'accueil séquentiel', centre_maternel: 'centre maternel',
  medico_social: 'médico-social', mna: 'accueil MNA',
};
export const NEEDS = {
  handicap: 'handicap (orientation MDPH)', soins_psy: 'soins psychiques', nourrisson: 'nourrissons',
  mere_enfant: 'mère-enfant', mna: 'mineurs non accompagnés', ado_difficulte: 'adolescents en grande difficulté',
};
export const UNIT_SEX = { mixte: 'mixte', filles: 'filles', garcons: 'garçons' };
export const CHILD_SEX = { non_precise: 'non précisé', fille: 'fille', garcon: 'garçon' };
export const ORIGINS = { on_call: 'astreinte', hospital: 'hôpital', court: 'tribunal', ase_service: 'service ASE' };
export const BASES = {
  opp: 'OPP', judgment_375: 'jugement (art. 375)', administrative: 'accueil administratif',
  reception_72h: 'accueil 72 h', mna_shelter: "mise à l'abri MNA",
};
export const REQUEST_STATES = { open: 'ouverte', proposed: 'place proposée', admitted: 'admise', cancelled: 'annulée' };
export const HOLD_STATES = { active: 'option en cours', admitted: 'admis', released: 'option levée', expired: 'option expirée', declined: 'refusée' };
export const REFUSALS = {
  full: 'complet', stale: 'données périmées', age: 'âge', sex: 'sexe', siblings: 'fratrie non accueillie ensemble',
  specialisation: 'besoin non couvert', distance: 'trop loin', kind: "type d'établissement", not_authorised: 'non autorisé',
  emergency: "pas d'accueil d'urgence", territory: 'hors département',
  behaviour: 'situation au-delà de ce que la structure peut accueillir', other: 'autre motif',
};
export const DECLINE_REASONS = ['full', 'siblings', 'age', 'sex', 'specialisation', 'behaviour', 'other'];
export const ROLES = {
  facility: 'établissement', on_call: 'astreinte', hospital: 'hôpital', judge: 'juge', observatory: 'observatoire', admin: 'administration',
};
export const AGE_BANDS = [['0-2', 0, 2], ['3-5', 3, 5], ['6-10', 6, 10], ['11-14', 11, 14], ['15-17', 15, 17], ['18-21', 18, 21]];

export const label = (table, key) => table[key] ?? key ?? '';

export function years(age) {
  if (age <= 0) return "moins d'un an";
  return age === 1 ? '1 an' : `${age} ans`;
}

// "2 j 6 h", "3 h 12 min", "4 min", "moins d'une minute"
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} j ${h} h` : `${d} j`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return "moins d'une minute";
}

// "à l'instant", "il y a 4 min", "il y a 2 h", "il y a 3 j"
export function ago(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return "à l'instant";
  if (s < 3600) return `il y a ${Math.floor(s / 60)} min`;
  if (s < 86400) return `il y a ${Math.floor(s / 3600)} h`;
  return `il y a ${Math.floor(s / 86400)} j`;
}

export const agoMs = (ms) => (ms > 0 ? ago((Date.now() - ms) / 1000) : 'jamais confirmé');
export const waitingSince = (ms) => `en attente depuis ${duration((Date.now() - ms) / 1000)}`;

const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });
const TIME = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });
export const dateTime = (ms) => (ms > 0 ? DATE_TIME.format(new Date(ms)) : '');
// "à 09:42" today, else "le 30 novembre 2026 à 09:42"
export function moment(ms) {
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? `à ${TIME.format(date)}` : `le ${DATE_TIME.format(date)}`;
}

export const km = (value) => (value === null || value === undefined ? '' : `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} km`);
export const plural = (n, one, many) => `${n} ${n <= 1 ? one : many}`;
// "jusqu'à 11:42" today, else "jusqu'au 2 décembre 2026 à 11:42"
export function until(ms) {
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? `jusqu'à ${TIME.format(date)}` : `jusqu'au ${DATE_TIME.format(date)}`;
}
// "depuis 11:42" today, else "depuis le 30 novembre 2026 à 11:42"
export function since(ms) {
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? `depuis ${TIME.format(date)}` : `depuis le ${DATE_TIME.format(date)}`;
}
