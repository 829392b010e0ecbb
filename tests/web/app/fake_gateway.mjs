// A stand-in for dispo-web for the page tests (like tests/clients/fake_broker.cc for the CLI):
// serves the built app and answers the API of WEB_API.md / clients/web/openapi.yaml from memory,
// with a small Nord département. It checks what the real gateway checks that pages depend on
// (session cookie, CSRF header, role refusals with French messages) so that the pages' handling
// of them is tested; the real chain (broker + dispo-web + dispo-sim) is tested by e2e.spec.mjs.
//   node fake_gateway.mjs --dist DIR [--port 0]   prints "listening <port>" on stdout
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((p, a, i, all) => (a.startsWith('--') ? [...p, [a.slice(2), all[i + 1]]] : p), []));
const dist = args.dist;
const geo = JSON.parse(readFileSync(join(dist, 'geo.json'), 'utf8'));
const NOW = () => Date.now();
const STALE_AFTER_S = 6 * 3600;
let sequence = 1000;
let brokerReachable = true;

const accounts = {
  'astreinte-59': { role: 'on_call', departements: ['59'], facilities: [], password: 'mot-de-passe-astreinte' },
  'chu-lille': { role: 'hospital', departements: ['59'], facilities: [], password: 'mot-de-passe-hopital' },
  'juge-lille': { role: 'judge', departements: ['59'], facilities: [], password: 'mot-de-passe-juge-59' },
  'mecs-tilleuls': { role: 'facility', departements: [], facilities: ['590000001'], password: 'mot-de-passe-mecs-1' },
  'admin': { role: 'admin', departements: ['59'], facilities: [], password: 'mot-de-passe-admin-1' },
  'nouvelle-astreinte': { role: 'on_call', departements: ['59'], facilities: [], code: 'CODE-1234-ABCD' },
};
const sessions = new Map();   // token -> {name, csrf}

// A small département: facilities over the simulator's communes, with a few stale units.
const KINDS = ['mecs', 'foyer_urgence', 'mecs', 'lieu_de_vie', 'pouponniere', 'village_enfants'];
const facilities = new Map();
geo.departements['59'].communes.slice(0, 14).forEach((c, i) => {
  const id = `5900000${String(i + 1).padStart(2, '0')}`.slice(-9);
  const kind = KINDS[i % KINDS.length];
  const names = ['MECS Les Tilleuls', "Foyer de l'enfance de Roubaix", 'MECS Saint-Exupéry', 'Lieu de vie La Ferme', 'Pouponnière du Cambrésis', "Village d'enfants des Flandres"];
  const units = [0, 1, 2].slice(0, 1 + (i % 3)).map((u) => {
    const [min, max] = kind === 'pouponniere' ? [0, 3] : [[3, 12], [6, 14], [12, 18]][u];
    const installed = 8 + u * 2;
    const available = i === 0 && u === 0 ? 3 : (i + u) % 4 === 0 ? 0 : 1 + ((i + u) % 3);
    return {
      unit: { id: `u${u + 1}`, age_min: min, age_max: max, sex: 'mixte', installed, max_siblings: u === 0 ? 4 : 2, specialties: [], emergency: kind === 'foyer_urgence' || u === 0 },
      availability: { installed, occupied: installed - available, available, reserved: 0, closed: 0, confirmed_at: NOW() - ((i === 5 || i === 11) ? 9 * 3600e3 : (i * 7 + u * 3) * 60e3), confirmed_by: 'sim' },
    };
  });
  facilities.set(id, {
    facility: { id, name: i < names.length ? names[i] : `MECS de ${c.name}`, kind, departement: '59', commune_insee: c.insee, lat: c.lat + 0.004 * (i % 3), lon: c.lon - 0.003 * (i % 2), phone: `03 20 ${String(10 + i).padStart(2, '0')} 45 ${String(60 + i)}`, authorisation: 'autorise', units: [] },
    units, stale_after_s: STALE_AFTER_S, holds: [],
  });
});
const requests = new Map();
const holds = new Map();
const alerts = new Map();   // principal -> {list, acknowledged}
const streams = new Set();
const history = new Map();  // request id -> [RecordEntry]

function addRequest(r, by) {
  const id = `R-${++sequence}`;
  const request = { id, origin: 'on_call', legal_basis: 'opp', keep_together: true, state: 'open', refusals: [], created_at: NOW(), created_by: by, waiting_since: NOW(), ...r };
  request.id = id;
  requests.set(id, request);
  history.set(id, [{ sequence, time: NOW(), by, what: `demande ouverte (${request.origin})` }]);
  return request;
}
// Requests that have waited for a while, so that the lists have an order to show.
const seedBy = 'astreinte-59';
[[2 * 86400 + 6 * 3600, 'E59-2026-0041', 'judgment_375', 'court', [9, 12]], [5 * 3600, 'E59-2026-0040', 'opp', 'on_call', [15]], [20 * 60, 'H59-0810', 'administrative', 'hospital', [1]]]
  .forEach(([ago, ref, basis, origin, ages]) => addRequest({ child_ref: ref, legal_basis: basis, origin, waiting_since: NOW() - ago * 1000, criteria: { departement: '59', children: ages.map((age) => ({ age, sex: 'non_precise', needs: [] })) } }, origin === 'hospital' ? 'chu-lille' : seedBy));

const fresh = (a) => a.confirmed_at && NOW() - a.confirmed_at <= STALE_AFTER_S * 1000;
const distance = (lat1, lon1, lat2, lon2) => {
  const r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
};

function find(q) {
  const ages = q.getAll('age').map(Number);
  const sexes = q.getAll('sex').flatMap((v) => v.split(',')).filter(Boolean);
  if (sexes.length > 1 && sexes.length !== ages.length) return { error: `--sex : donner un seul sexe pour tous les enfants ou un par --age (${ages.length} âges, ${sexes.length} sexes)` };
  const near = q.get('near')?.split(',').map(Number);
  const maxKm = q.get('max_km') ? Number(q.get('max_km')) : Infinity;
  const matches = [];
  let staleExcluded = 0;
  for (const f of facilities.values()) {
    const d = near ? distance(near[0], near[1], f.facility.lat, f.facility.lon) : null;
    if (d !== null && d > maxKm) continue;
    if (q.get('emergency') === '1' && !f.units.some((u) => u.unit.emergency)) continue;
    const fits = (u, age) => age >= u.unit.age_min && age <= u.unit.age_max;
    const usable = f.units.filter((u) => u.availability.available > 0 && ages.some((a) => fits(u, a)));
    const stale = usable.filter((u) => !fresh(u.availability));
    staleExcluded += stale.length;
    const live = usable.filter((u) => fresh(u.availability));
    const whole = live.find((u) => ages.every((a) => fits(u, a)) && u.availability.available >= ages.length && u.unit.max_siblings >= ages.length);
    const placements = whole ? [{ unit_id: whole.unit.id, children: ages.map((_, i) => i), availability: whole.availability }]
      : live.map((u) => ({ unit_id: u.unit.id, children: ages.map((a, i) => (fits(u, a) ? i : -1)).filter((i) => i >= 0).slice(0, u.availability.available), availability: u.availability })).filter((p) => p.children.length);
    if (!placements.length) continue;
    const age = Math.max(...placements.map((p) => (NOW() - p.availability.confirmed_at) / 1000));
    matches.push({ facility_id: f.facility.id, name: f.facility.name, kind: f.facility.kind, departement: '59', commune_insee: f.facility.commune_insee, phone: f.facility.phone, lat: f.facility.lat, lon: f.facility.lon, distance_km: d === null ? undefined : Math.round(d * 10) / 10, whole_group: Boolean(whole), stale: false, age_s: Math.floor(age), placements });
  }
  matches.sort((a, b) => (b.whole_group - a.whole_group) || ((a.distance_km ?? 0) - (b.distance_km ?? 0)) || (a.age_s - b.age_s));
  const whole = matches.filter((m) => m.whole_group);
  return { matches: whole.length ? matches : [], whole_group_found: whole.length > 0, split: whole.length ? [] : matches.slice(0, 3), stale_excluded: staleExcluded, sequence };
}

// Alerts waiting for the on-call account at start, as the broker would have kept them.
setImmediate(() => {
  alert('astreinte-59', "Village d'enfants des Flandres (590000006) : données non confirmées depuis 9 h.", { kind: 'facility_stale', facility_id: '590000006' });
  alert('astreinte-59', 'Une place correspond à la demande R-1002 : MECS Les Tilleuls, unité u1.', { kind: 'place_matches', request_id: 'R-1002', facility_id: '590000001' });
});

function publish(type, data, who = () => true) {
  sequence += 1;
  const frame = `id: ${sequence}\nevent: ${type}\ndata: ${JSON.stringify({ sequence, ...data })}\n\n`;
  for (const s of streams) if (who(s.name)) s.res.write(frame);
}
function setAvailability(fid, uid, counts, by) {
  const unit = facilities.get(fid).units.find((u) => u.unit.id === uid);
  Object.assign(unit.availability, counts, { confirmed_at: NOW(), confirmed_by: by });
  publish('availability', { time: NOW(), change_type: 'AvailabilityChanged', change: { facility_id: fid, unit_id: uid, availability: unit.availability }, territory: '59' }, (n) => accounts[n]?.role !== 'judge');
}
function alert(owner, message, extra = {}) {
  const box = alerts.get(owner) ?? { list: [], acknowledged: 0 };
  alerts.set(owner, box);
  const a = { number: box.list.length + 1, kind: 'request_changed', time: NOW(), sequence, departement: '59', message, ...extra };
  box.list.push(a);
  publish('alert', a, (n) => n === owner);
}
function holdChanged(hold) {
  publish('hold', { change_type: 'HoldChanged', change: { hold }, hold }, (n) => ['on_call', 'admin'].includes(accounts[n]?.role) || accounts[n]?.facilities.includes(hold.facility_id));
}

const fail = (res, code, status, message) => send(res, code, { error: { status, message } });
// As a cluster member answering (__test/lag): the member and how old its state may be.
let served = null;  // {node, lagMs}
function send(res, code, body, headers = {}) {
  const freshness = served ? { 'X-Dispo-Served-By': String(served.node), 'X-Dispo-Lag-Ms': String(served.lagMs) } : {};
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', ...freshness, ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const principalOf = (name) => ({ name, role: accounts[name].role, departements: accounts[name].departements, facilities: accounts[name].facilities });
const newSession = (res, name) => {
  const token = randomBytes(16).toString('hex');
  const csrf = randomBytes(16).toString('hex');
  sessions.set(token, { name, csrf });
  send(res, 200, { principal: principalOf(name), csrf_token: csrf }, { 'Set-Cookie': `dispo_session=${token}; HttpOnly; SameSite=Strict; Path=/` });
};

async function api(req, res, path, q) {
  const body = await new Promise((ok) => { let t = ''; req.on('data', (c) => { t += c; }); req.on('end', () => ok(t ? JSON.parse(t) : {})); });
  const token = /dispo_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
  const session = sessions.get(token);
  const m = req.method;
  if (m === 'POST' && path === '/session') {
    const a = accounts[body.name];
    if (!a || a.password !== body.password) return fail(res, 401, 'forbidden', 'Identifiant ou mot de passe incorrect.');
    return newSession(res, body.name);
  }
  if (m === 'POST' && path === '/enrolment') {
    const a = accounts[body.name];
    if (!a || !a.code || a.code !== body.code) return fail(res, 400, 'invalid', "Code d'activation inconnu ou expiré.");
    if ((body.password ?? '').length < 12) return fail(res, 400, 'invalid', 'Le mot de passe doit compter 12 caractères au moins.');
    a.password = body.password; delete a.code;
    return newSession(res, body.name);
  }
  if (!session) return fail(res, 401, 'forbidden', 'Connectez-vous.');
  if (m !== 'GET' && req.headers['x-csrf-token'] !== session.csrf) return fail(res, 403, 'forbidden', 'Jeton CSRF absent ou incorrect : rechargez la page.');
  const me = accounts[session.name];
  const role = me.role;
  // True (and the 403 sent) when the person may not see facility-level data.
  const facilityLevel = () => {
    if (role !== 'judge' && role !== 'observatory') return false;
    fail(res, 403, 'forbidden', "Les juges et l'observatoire ne voient que des données agrégées.");
    return true;
  };
  if (path === '/session') {
    if (m === 'DELETE') { sessions.delete(token); return send(res, 204); }
    return send(res, 200, { principal: principalOf(session.name), csrf_token: session.csrf });
  }
  if (path === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': bonjour\n\n');
    if (!brokerReachable) res.write(`event: broker\ndata: ${JSON.stringify({ reachable: false, since: brokerDownSince })}\n\n`);
    const stream = { name: session.name, res };
    streams.add(stream);
    req.on('close', () => streams.delete(stream));
    return undefined;
  }
  if (!brokerReachable) return fail(res, 503, 'unavailable', 'Le bus dispo est injoignable pour le moment : réessayez dans un instant.');
  if (path === '/find') {
    if (facilityLevel()) return undefined;
    const result = find(q);
    return result.error ? fail(res, 400, 'invalid', result.error) : send(res, 200, result);
  }
  if (path === '/board' && boardFailures > 0) {
    boardFailures -= 1;
    return fail(res, 503, 'unavailable', 'Le bus dispo est injoignable pour le moment : réessayez dans un instant.');
  }
  if (path === '/board') return facilityLevel() || send(res, 200, { sequence, stale_after_s: STALE_AFTER_S, facilities: [...facilities.values()].map((f) => ({ ...f, holds: undefined })) });
  let match;
  if ((match = path.match(/^\/facilities\/(\w+)$/))) {
    if (facilityLevel()) return undefined;
    if (role === 'facility' && !me.facilities.includes(match[1])) return fail(res, 403, 'forbidden', "Cet établissement n'est pas le vôtre.");
    const f = facilities.get(match[1]);
    return f ? send(res, 200, { ...f, holds: [...holds.values()].filter((h) => h.facility_id === f.facility.id && h.state === 'active') }) : fail(res, 404, 'unknown_facility', 'Établissement inconnu.');
  }
  if ((match = path.match(/^\/facilities\/(\w+)\/units\/(\w+)\/availability$/)) && m === 'POST') {
    if (role === 'facility' && !me.facilities.includes(match[1])) return fail(res, 403, 'forbidden', "Cet établissement n'est pas le vôtre.");
    setAvailability(match[1], match[2], { available: body.available, occupied: body.occupied }, session.name);
    return send(res, 200, { sequence });
  }
  if ((match = path.match(/^\/facilities\/(\w+)\/confirm$/)) && m === 'POST') {
    for (const u of facilities.get(match[1]).units) setAvailability(match[1], u.unit.id, {}, session.name);
    return send(res, 200, { sequence });
  }
  if (path === '/requests' && m === 'GET') {
    if (facilityLevel()) return undefined;
    const states = (q.get('state') ?? 'open,proposed').split(',');
    const list = [...requests.values()].filter((r) => states.includes(r.state) && (role !== 'hospital' || r.created_by === session.name))
      .sort((a, b) => a.waiting_since - b.waiting_since)
      .map((r) => ({ request: r, hold: r.hold_id ? holds.get(r.hold_id) : undefined, matches: find(new URLSearchParams((r.criteria?.children ?? []).map((c) => ['age', c.age]))).matches.length, waiting_s: Math.floor((NOW() - r.waiting_since) / 1000) }));
    return send(res, 200, { requests: list, sequence });
  }
  if ((path === '/requests' || path === '/requests/discharge') && m === 'POST') {
    if (facilityLevel()) return undefined;
    if (!body.child_ref) return fail(res, 400, 'invalid', "child_ref : la référence de l'enfant est obligatoire.");
    if ([...requests.values()].some((r) => r.child_ref === body.child_ref && ['open', 'proposed'].includes(r.state))) return fail(res, 409, 'conflict', `Une demande est déjà ouverte pour ${body.child_ref}.`);
    const r = addRequest({ ...body, origin: path.endsWith('discharge') ? 'hospital' : body.origin ?? 'on_call' }, session.name);
    publish('request', { change_type: 'PlacementRequestChanged', change: { request: r }, request: r }, (n) => ['on_call', 'admin'].includes(accounts[n]?.role) || n === session.name);
    for (const [n, a] of Object.entries(accounts)) if (a.role === 'on_call') alert(n, `Nouvelle demande ${r.id} (${r.origin === 'hospital' ? 'hôpital' : 'astreinte'}) : ${r.child_ref}.`, { request_id: r.id });
    if (r.origin === 'hospital') alert(session.name, `Demande ${r.id} ouverte pour ${r.child_ref} : l'ASE est prévenue.`, { request_id: r.id });
    return send(res, 200, { request: r, matches: 0, waiting_s: 0 });
  }
  if ((match = path.match(/^\/requests\/([\w-]+)(\/record|\/cancel)?$/))) {
    const r = requests.get(match[1]);
    if (!r) return fail(res, 404, 'unknown_request', `Demande ${match[1]} inconnue.`);
    if (match[2] === '/record') {
      return send(res, 200, { request: r, sequence, at: NOW(), history: history.get(r.id), suitable: find(new URLSearchParams((r.criteria?.children ?? []).map((c) => ['age', c.age]))).matches.length,
        considered: [...facilities.values()].slice(0, 6).flatMap((f) => f.units.map((u) => ({ facility_id: f.facility.id, facility_name: f.facility.name, unit_id: u.unit.id, suitable: u.availability.available > 0 && fresh(u.availability), reason: !fresh(u.availability) ? 'stale' : u.availability.available ? 'age' : 'full', available: u.availability.available, age_s: Math.floor((NOW() - u.availability.confirmed_at) / 1000) }))) });
    }
    if (facilityLevel()) return undefined;
    if (match[2] === '/cancel') {
      r.state = 'cancelled'; r.cancel_reason = body.reason;
      history.get(r.id).push({ sequence: ++sequence, time: NOW(), by: session.name, what: `annulée : ${body.reason}` });
      publish('request', { change: { request: r }, request: r });
      return send(res, 200, { request: r });
    }
    return send(res, 200, { requests: [{ request: r, hold: r.state === 'proposed' ? holds.get(r.hold_id) : undefined, matches: 2, waiting_s: Math.floor((NOW() - r.waiting_since) / 1000) }], sequence });
  }
  if (path === '/holds' && m === 'GET') return send(res, 200, { holds: [...holds.values()].filter((h) => h.facility_id === q.get('facility') && h.state === 'active'), sequence });
  if (path === '/holds' && m === 'POST') {
    if (role !== 'on_call' && role !== 'admin') return fail(res, 403, 'forbidden', 'Seule l\'astreinte pose des options.');
    const f = facilities.get(body.facility_id);
    const unit = f?.units.find((u) => u.unit.id === body.unit_id);
    const r = requests.get(body.request_id);
    if (!unit || !r) return fail(res, 404, 'unknown_unit', 'Unité ou demande inconnue.');
    if (unit.availability.available < 1) return fail(res, 409, 'conflict', "Cette place vient d'être prise : plus aucune place libre dans cette unité.");
    const hold = { id: `H-${++sequence}`, facility_id: f.facility.id, unit_id: unit.unit.id, request_id: r.id, state: 'active', created_at: NOW(), created_by: session.name, expires_at: NOW() + (body.duration_s ?? 7200) * 1000 };
    holds.set(hold.id, hold);
    r.state = 'proposed'; r.hold_id = hold.id;
    history.get(r.id).push({ sequence, time: NOW(), by: session.name, what: `option ${hold.id} posée chez ${f.facility.name} (unité ${unit.unit.id})` });
    setAvailability(f.facility.id, unit.unit.id, { available: unit.availability.available - 1, reserved: unit.availability.reserved + 1 }, session.name);
    holdChanged(hold);
    return send(res, 200, { hold, availability: unit.availability, request: r });
  }
  if ((match = path.match(/^\/holds\/([\w-]+)\/(admit|release|decline)$/)) && m === 'POST') {
    const hold = holds.get(match[1]);
    if (!hold || hold.state !== 'active') return fail(res, 409, 'conflict', "Cette option n'est plus active.");
    if (role === 'facility' && !me.facilities.includes(hold.facility_id)) return fail(res, 403, 'forbidden', "Cette option ne porte pas sur vos places.");
    const outcome = { admit: 'admitted', release: 'released', decline: 'declined' }[match[2]];
    Object.assign(hold, { state: outcome, ended_at: NOW(), ended_by: session.name, reason: body.reason });
    const r = requests.get(hold.request_id);
    r.state = outcome === 'admitted' ? 'admitted' : 'open';
    if (outcome === 'admitted') r.admitted_at = `${hold.facility_id}/${hold.unit_id}`;
    if (outcome === 'declined') r.refusals.push({ facility_id: hold.facility_id, unit_id: hold.unit_id, reason: body.reason ?? 'other', note: body.note, at: NOW(), by: session.name });
    history.get(r.id).push({ sequence: ++sequence, time: NOW(), by: session.name, what: `option ${hold.id} : ${outcome}` });
    const unit = facilities.get(hold.facility_id).units.find((u) => u.unit.id === hold.unit_id);
    setAvailability(hold.facility_id, hold.unit_id, outcome === 'admitted' ? { reserved: unit.availability.reserved - 1, occupied: unit.availability.occupied + 1 } : { reserved: unit.availability.reserved - 1, available: unit.availability.available + 1 }, session.name);
    holdChanged(hold);
    publish('request', { change: { request: r }, request: r });
    alert(r.created_by, `Demande ${r.id} : ${outcome === 'admitted' ? 'admission confirmée' : 'option levée'} (${hold.facility_id}).`, { request_id: r.id });
    return send(res, 200, { hold, request: r });
  }
  if (path === '/capacity') {
    const rows = new Map();
    for (const f of facilities.values()) for (const u of f.units) {
      for (const [band, min, max] of [['0-2', 0, 2], ['3-5', 3, 5], ['6-10', 6, 10], ['11-14', 11, 14], ['15-17', 15, 17], ['18-21', 18, 21]]) {
        if (u.unit.age_max < min || u.unit.age_min > max) continue;
        const row = rows.get(`${f.facility.kind}/${band}`) ?? { kind: f.facility.kind, age_band: band, installed: 0, free: 0, reserved: 0, closed: 0, stale: 0 };
        rows.set(`${f.facility.kind}/${band}`, row);
        row.installed += u.availability.installed;
        if (fresh(u.availability)) row.free += u.availability.available; else row.stale += u.availability.available;
      }
    }
    const open = [...requests.values()].filter((r) => ['open', 'proposed'].includes(r.state));
    const court = open.filter((r) => ['opp', 'judgment_375'].includes(r.legal_basis));
    return send(res, 200, { at: NOW(), sequence, departement: q.get('dept') ?? '59', rows: [...rows.values()],
      demand: ['on_call', 'hospital', 'court', 'ase_service'].map((o) => { const w = open.filter((r) => r.origin === o).map((r) => (NOW() - r.waiting_since) / 1000).sort((a, b) => a - b); return { origin: o, open: w.length, median_wait_s: Math.floor(w[Math.floor(w.length / 2)] ?? 0), longest_wait_s: Math.floor(w.at(-1) ?? 0) }; }),
      court_unexecuted: court.length, court_longest_wait_s: Math.floor(Math.max(0, ...court.map((r) => (NOW() - r.waiting_since) / 1000))) });
  }
  if (path === '/alerts') {
    const box = alerts.get(session.name) ?? { list: [], acknowledged: 0 };
    const after = q.has('after') ? Number(q.get('after')) : box.acknowledged;
    return send(res, 200, { alerts: box.list.filter((a) => a.number > after), acknowledged: box.acknowledged, last: box.list.length });
  }
  if ((match = path.match(/^\/alerts\/(\d+)\/ack$/))) { const box = alerts.get(session.name); if (box) box.acknowledged = Math.max(box.acknowledged, Number(match[1])); return send(res, 200, { sequence }); }
  if (path === '/principals' || path.startsWith('/principals/')) {
    if (role !== 'admin') return fail(res, 403, 'forbidden', 'Réservé aux administrateurs.');
    if (m === 'GET') return send(res, 200, { principals: Object.keys(accounts).map((n) => ({ ...principalOf(n), revoked: Boolean(accounts[n].revoked) })) });
    const name = decodeURIComponent(path.split('/')[2] ?? '');
    const code = () => ({ enrolment_code: randomBytes(6).toString('hex').toUpperCase(), valid_until: NOW() + 72 * 3600e3 });
    if (m === 'POST' && path === '/principals') { const c = code(); accounts[body.name] = { role: body.role, departements: body.departements, facilities: body.facilities, code: c.enrolment_code }; return send(res, 200, c); }
    if (m === 'POST' && path.endsWith('/web-reset')) { const c = code(); accounts[name].code = c.enrolment_code; return send(res, 200, c); }
    if (m === 'DELETE') { accounts[name].revoked = true; return send(res, 200, { sequence }); }
  }
  return fail(res, 404, 'unknown_request', `Route inconnue : ${m} ${path}`);
}

let brokerDownSince = 0;
let boardFailures = 0;  // the next board answers that fail as when dispo-web's call to the bus does
function control(path, q, res) {
  if (path === '/__test/lag') { served = q.get('node') ? { node: Number(q.get('node')), lagMs: Number(q.get('ms')) } : null; return send(res, 200, {}); }
  if (path === '/__test/board-failures') { boardFailures = Number(q.get('count')); return send(res, 200, {}); }
  if (path === '/__test/missed') {
    // A change whose event the gateway missed: it re-synchronised, and tells every stream to reload.
    const unit = facilities.get(q.get('facility')).units.find((u) => u.unit.id === q.get('unit'));
    Object.assign(unit.availability, { available: Number(q.get('available')), confirmed_at: NOW(), confirmed_by: 'test' });
    publish('resync', {});
    return send(res, 200, { sequence });
  }
  if (path === '/__test/publish') { setAvailability(q.get('facility'), q.get('unit'), { available: Number(q.get('available')) }, 'test'); return send(res, 200, { sequence }); }
  if (path === '/__test/broker') {
    brokerReachable = q.get('reachable') === '1';
    brokerDownSince = brokerReachable ? 0 : NOW();
    publish('broker', brokerReachable ? { reachable: true } : { reachable: false, since: brokerDownSince });
    return send(res, 200, {});
  }
  return fail(res, 404, 'unknown_request', 'contrôle inconnu');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.png': 'image/png', '.map': 'application/json', '.ico': 'image/x-icon' };
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (url.pathname.startsWith('/__test/')) return control(url.pathname, url.searchParams, res);
  if (url.pathname.startsWith('/api/v1/')) return api(req, res, url.pathname.slice(7), url.searchParams).catch((e) => fail(res, 400, 'malformed', `Requête illisible : ${e.message}`));
  const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  return res.end(readFileSync(file));
});
setInterval(() => { for (const s of streams) s.res.write(': keepalive\n\n'); }, 15000).unref();
server.listen(Number(args.port ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
