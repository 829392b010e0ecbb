// The pages against fake_gateway.mjs (the API of clients/web/openapi.yaml answered from memory):
// what each page shows, its live behaviour, accessibility (axe-core) and the screenshots.
// The same flows against the real broker, dispo-web and dispo-sim are in e2e.spec.mjs.
import { test, expect } from '@playwright/test';
import { DESKTOP, PHONE, expectAccessible, screenshots, signIn, startProcess, stopProcess } from './helpers.mjs';

const dist = process.env.DISPO_WEB_APP_DIR;
let gateway;
let base;

test.beforeAll(async () => {
  gateway = await startProcess('node', [new URL('./fake_gateway.mjs', import.meta.url).pathname, '--dist', dist], /listening (\d+)/);
  base = `http://127.0.0.1:${gateway.match[1]}`;
});
test.afterAll(async () => { await stopProcess(gateway); });

const control = (path) => fetch(`${base}/__test/${path}`, { method: 'POST' }).then((r) => r.json());
const ACCOUNTS = {
  astreinte: ['astreinte-59', 'mot-de-passe-astreinte', 'astreinte'],
  hopital: ['chu-lille', 'mot-de-passe-hopital', 'hopital'],
  juge: ['juge-lille', 'mot-de-passe-juge-59', 'juge'],
  mecs: ['mecs-tilleuls', 'mot-de-passe-mecs-1', 'etablissement'],
  admin: ['admin', 'mot-de-passe-admin-1', 'tableau'],
};
const as = (page, who) => signIn(page, base, ...ACCOUNTS[who]);

async function searchSiblings(page) {
  await page.getByLabel('Âge (ans)').first().fill('4');
  await page.getByRole('button', { name: 'Ajouter un enfant' }).click();
  await page.locator('#age-1').fill('7');
  await page.getByRole('button', { name: 'Ajouter un enfant' }).click();
  await page.locator('#age-2').fill('10');
  await page.locator('#sex-2').selectOption('fille');
  await page.getByLabel('Près de').fill('Lille');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await expect(page.locator('.result').first()).toBeVisible();
}

test('sign-in refuses a wrong password in French, then lands on the role’s page', async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/`);
  await expect(page).toHaveURL(/#\/connexion/);
  await expectAccessible(page, 'connexion');
  await screenshots(page, 'connexion');
  await page.getByLabel('Identifiant').fill('astreinte-59');
  await page.getByLabel('Mot de passe').fill('faux');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Identifiant ou mot de passe incorrect');
  await as(page, 'astreinte');
  await expect(page.getByRole('heading', { name: 'Trouver une place' })).toBeVisible();
});

test('enrolment: the one-time code, then a password of 12 characters', async ({ page }) => {
  await page.goto(`${base}/#/inscription`);
  await expectAccessible(page, 'inscription');
  await screenshots(page, 'inscription');
  await page.getByLabel('Identifiant').fill('nouvelle-astreinte');
  await page.getByLabel('Code à usage unique').fill('CODE-1234-ABCD');
  await page.getByLabel('Nouveau mot de passe').fill('court');
  await page.getByLabel('Le même mot de passe').fill('court');
  await page.getByRole('button', { name: 'Activer et me connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('12 caractères');
  await page.getByLabel('Nouveau mot de passe').fill('un mot de passe long');
  await page.getByLabel('Le même mot de passe').fill('un mot de passe long');
  await page.getByRole('button', { name: 'Activer et me connecter' }).click();
  await expect(page).toHaveURL(/#\/astreinte/);
});

test('on call finds a place for three siblings and holds it; the facility admits on its phone; the search shows it live', async ({ browser }) => {
  const onCall = await browser.newContext({ viewport: DESKTOP });
  const page = await onCall.newPage();
  await as(page, 'astreinte');
  await searchSiblings(page);
  const first = page.locator('.result').first();
  await expect(first).toContainText('toute la fratrie ensemble');
  await expect(first.locator('a[href^="tel:"]')).toHaveAttribute('href', /^tel:0\d{9}$/);
  await expect(first.locator('.result-age')).toContainText(/Mis à jour (à l'instant|il y a \d+ (min|h))/);
  await expect(page.locator('.map-point').first()).toBeVisible();
  await expectAccessible(page, 'astreinte');
  await screenshots(page, 'astreinte');

  const name = (await first.locator('.result-name').textContent()).trim();
  await first.getByRole('button', { name: 'Poser une option' }).click();
  await first.getByLabel("Référence de l'enfant").fill('E59-2026-0042');
  await first.getByRole('button', { name: "Confirmer l'option" }).click();
  // The held place is pinned above the results, whatever the live ranking does meanwhile.
  const held = page.locator('.results.held .result');
  await expect(held.locator('.hold-status')).toContainText(/Option H-\d+ posée pour la demande R-\d+/);
  const holdId = await held.locator('.hold-status').getAttribute('data-hold-id');

  // The facility of that result, on a phone, in another browser context.
  expect(name).toBe('MECS Les Tilleuls');
  const facility = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const phone = await facility.newPage();
  await as(phone, 'mecs');
  const hold = phone.locator(`.hold-card[data-hold="${holdId}"]`);
  await expect(hold).toContainText('demande R-');
  await expectAccessible(phone, 'etablissement');
  await screenshots(phone, 'etablissement');
  await hold.getByRole('button', { name: 'Admettre' }).click();
  await expect(phone.getByText(`Admission enregistrée (option ${holdId})`)).toBeVisible();

  await expect(held.locator('.hold-status')).toContainText("Admission confirmée par l'établissement");
  await facility.close();
  await onCall.close();
});

test('a place taken elsewhere stays on an open search with a notice', async ({ page }) => {
  await as(page, 'astreinte');
  await searchSiblings(page);
  const second = page.locator('.result').nth(1);
  const facilityId = await second.getAttribute('data-facility');
  const unit = (await second.locator('.result-units').textContent()).match(/unité (\w+)/)[1];
  await control(`publish?facility=${facilityId}&unit=${unit}&available=0`);
  const taken = page.locator(`.result--taken[data-facility="${facilityId}"]`);
  await expect(taken).toContainText("Cette place vient d'être prise");
  await expect(page.locator('#announcer')).toContainText("cette place vient d'être prise");
  await expect(taken.getByRole('button', { name: 'Poser une option' })).toHaveCount(0);
});

test('a facility’s −/+ reaches an open board in under a second', async ({ browser }) => {
  const boardContext = await browser.newContext({ viewport: DESKTOP });
  const board = await boardContext.newPage();
  await as(board, 'admin');
  await expect(board.locator('[data-unit="590000001/u1"] .available')).toBeVisible();
  await expectAccessible(board, 'tableau');
  await screenshots(board, 'tableau');
  const before = Number(await board.locator('[data-unit="590000001/u1"] .available').textContent());

  const phoneContext = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const phone = await phoneContext.newPage();
  await as(phone, 'mecs');
  // − when a place is free, else + (earlier tests may have taken this unit's places).
  const minus = phone.getByRole('button', { name: "Une place prise dans l'unité u1" });
  await expect(minus).toBeVisible();
  const step = before > 0 ? minus : phone.getByRole('button', { name: "Une place libérée dans l'unité u1" });
  const expected = before > 0 ? before - 1 : before + 1;
  // Armed on the board before the click: resolves when the count changes, with the time it did.
  const changed = board.evaluate((expected) => new Promise((resolve) => {
    const cell = () => document.querySelector('[data-unit="590000001/u1"] .available');
    new MutationObserver(() => { if (cell()?.textContent === String(expected)) resolve(performance.timeOrigin + performance.now()); })
      .observe(document.getElementById('contenu'), { subtree: true, childList: true, characterData: true });
  }), expected);
  const clicked = Date.now();
  await step.click();
  const shown = await changed;
  console.log(`facility − → board DOM: ${(shown - clicked).toFixed(0)} ms`);
  expect(shown - clicked).toBeLessThan(1000);
  await phoneContext.close();
  await boardContext.close();
});

test('a hospital’s discharge request raises an alert shown without reload', async ({ page }) => {
  await as(page, 'hopital');
  await expectAccessible(page, 'hopital');
  await page.getByLabel("Référence de l'enfant").fill('H59-0815');
  await page.getByLabel('Âge(s)').fill('1');
  await page.locator('label[for="need-nourrisson"]').click();
  await expect(page.getByLabel('nourrissons')).toBeChecked();
  const navigations = [];
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
  await page.getByRole('button', { name: "Signaler l'enfant prêt à sortir" }).click();
  await expect(page.locator('#discharge-result')).toContainText(/Demande R-\d+ ouverte/);
  await expect(page.locator('#alerts .alert-item--new').first()).toContainText("H59-0815 : l'ASE est prévenue");
  await expect(page.locator('#mine')).toContainText('H59-0815');
  expect(navigations).toEqual([]);
  await screenshots(page, 'hopital');
});

test('a judge sees aggregates only; facility-level pages and data are refused', async ({ page }) => {
  await as(page, 'juge');
  await expect(page.locator('#capacity-table')).toBeVisible();
  await expect(page.locator('#court-unexecuted')).toContainText(/non exécuté.*en attente depuis 2 j 6 h/);
  await expect(page.locator('#report')).not.toContainText('Tilleuls');
  await expectAccessible(page, 'juge');
  await screenshots(page, 'juge');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.fr-header')).toBeHidden();
  await expect(page.locator('#capacity-table')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  await page.goto(`${base}/#/tableau`);
  await expect(page.locator('#forbidden')).toContainText('Accès refusé');
  const answer = await page.evaluate(() => fetch('/api/v1/facilities/590000001').then(async (r) => [r.status, await r.json()]));
  expect(answer[0]).toBe(403);
  expect(answer[1].error.message).toContain('agrégées');

  await page.goto(`${base}/#/juge`);
  await page.getByLabel("Attestation écrite d'une demande").fill('R-1001');
  await page.getByRole('button', { name: "Ouvrir l'attestation" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Attestation de recherche de place');
  await expectAccessible(page, 'attestation');
  await screenshots(page, 'attestation');
});

test('requests: longest waiting first, a request page with its history', async ({ page }) => {
  await as(page, 'astreinte');
  await page.goto(`${base}/#/demandes`);
  const waits = page.locator('.request-card .request-wait');
  await expect(waits.first()).toContainText('en attente depuis 2 j 6 h');
  await expectAccessible(page, 'demandes');
  await screenshots(page, 'demandes');
  await page.locator('.request-card a').first().click();
  await expect(page.getByRole('heading', { name: /Demande R-\d+/ })).toBeVisible();
  await expect(page.locator('.history')).toContainText('demande ouverte');
  await expectAccessible(page, 'demande');
  await screenshots(page, 'demande');
});

test('alerts are acknowledged one by one; administration grants with an enrolment code', async ({ page }) => {
  await as(page, 'astreinte');
  await page.goto(`${base}/#/alertes`);
  const pending = page.locator('.alert-card--new');
  await expect(pending.first()).toBeVisible();
  const before = await pending.count();
  await expect(page.locator('[data-ack]')).toHaveCount(1);   // the oldest first, one by one
  const oldest = await page.locator('[data-ack]').getAttribute('data-ack');
  await page.locator('[data-ack]').click();
  await expect(pending).toHaveCount(before - 1);
  await expect(page.locator(`.alert-card[data-alert="${oldest}"]`)).toContainText('Lue');
  await expectAccessible(page, 'alertes');
  await screenshots(page, 'alertes');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await as(page, 'admin');
  await page.goto(`${base}/#/administration`);
  await page.locator('summary', { hasText: 'Créer un compte' }).click();
  await page.getByLabel('Identifiant').fill('mecs-nouvelle');
  await page.getByLabel('Rôle').selectOption('facility');
  await page.getByLabel('Établissements').fill('590000004');
  await page.getByRole('button', { name: "Créer et obtenir le code d'activation" }).click();
  await expect(page.locator('#admin-message')).toContainText(/Code d'activation pour mecs-nouvelle : [0-9A-F]{12}/);
  await expect(page.locator('tr[data-principal="mecs-nouvelle"]')).toBeVisible();
  await expectAccessible(page, 'administration');
  await screenshots(page, 'administration');
});

test('broker unreachable under an open board: the banner says since when, then the data catches up', async ({ page }) => {
  await as(page, 'admin');
  await expect(page.locator('[data-unit="590000002/u1"] .available')).toBeVisible();
  await control('broker?reachable=0');
  await expect(page.locator('#frozen-banner')).toBeVisible();
  await expect(page.locator('#frozen-banner')).toContainText(/figées depuis \d\d:\d\d/);
  await screenshots(page, 'bandeau-donnees-figees');
  await control('broker?reachable=1');
  await control('publish?facility=590000002&unit=u1&available=7');
  await expect(page.locator('#frozen-banner')).toBeHidden();
  await expect(page.locator('[data-unit="590000002/u1"] .available')).toHaveText('7');
});

test('a cluster member cut from its leader answers: a banner says how old the places may be, until a fresh answer', async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await as(page, 'astreinte');
  await control('lag?node=2&ms=4200');
  await searchSiblings(page);
  await expect(page.locator('#stale-banner')).toBeVisible();
  await expect(page.locator('#stale-banner')).toContainText('Réponse du nœud 2 du bus dispo, sans nouvelles des autres nœuds depuis 4 s');
  await expectAccessible(page, 'bandeau-reponse-ancienne');
  await screenshots(page, 'bandeau-reponse-ancienne');
  await control('lag?node=3&ms=0');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await expect(page.locator('#stale-banner')).toBeHidden();
  await control('lag');  // a single broker again for the next tests
});

test('a board reload that fails keeps the board, says so, and is tried again until it succeeds', async ({ page }) => {
  await as(page, 'admin');
  const cell = page.locator('[data-unit="590000002/u2"] .available');
  await expect(cell).toBeVisible();
  const before = Number(await cell.textContent());
  await control('board-failures?count=2');
  await control(`missed?facility=590000002&unit=u2&available=${before + 5}`);  // resync: the reload fails
  await expect(page.locator('#board-error')).toContainText('Nouvel essai dans quelques secondes');
  await expect(cell).toHaveText(String(before));
  await expect(cell).toHaveText(String(before + 5), { timeout: 15_000 });  // the third try
  await expect(page.locator('#board-error')).toBeEmpty();
});

test('first page load on loopback: time and bytes (a cold browser, the sign-in page with its map-free shell)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await expect(page.getByRole('heading', { name: 'Connexion à dispo' })).toBeVisible();
  const figures = await page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const bytes = [navigation, ...resources].reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
    return { load_ms: navigation.loadEventEnd, bytes, files: resources.length + 1 };
  });
  console.log(`premier chargement : ${figures.load_ms.toFixed(0)} ms, ${(figures.bytes / 1024).toFixed(0)} Kio en ${figures.files} fichiers`);
  expect(figures.bytes).toBeLessThan(1_500_000);
  expect(figures.load_ms).toBeLessThan(3_000);
  await context.close();
});
