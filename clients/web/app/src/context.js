// What every page shares: the signed-in principal, the app's configuration and geography.
let principal = null;
let appConfig = {};
let geo = { departements: {} };

export const me = () => principal;
export const setMe = (value) => { principal = value; };
export const config = () => appConfig;
export const geography = () => geo;

export async function loadStatic() {
  const [c, g] = await Promise.all([
    fetch('/config.json').then((r) => (r.ok ? r.json() : {})).catch(() => ({})),
    fetch('/geo.json').then((r) => (r.ok ? r.json() : geo)).catch(() => geo),
  ]);
  appConfig = c ?? {};
  geo = g ?? geo;
}

// Communes matching a typed name, from the communes the app was built with (geo.json; the API
// has no commune route).
export async function findCommunes(text) {
  const q = text.trim();
  if (q.length < 2) return [];
  const norm = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const wanted = norm(q);
  const out = [];
  for (const dept of Object.values(geo.departements ?? {})) {
    for (const c of dept.communes) if (norm(c.name).startsWith(wanted)) out.push({ ...c, departement: dept.code });
  }
  return out.slice(0, 10);
}

export const departements = () => principal?.departements?.length ? principal.departements : Object.keys(geo.departements ?? {});
