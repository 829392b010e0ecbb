// Shared by the browser tests: starting a server process and reading its port, signing in,
// axe-core checks, screenshots at desktop and phone sizes.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

// Starts `command args` and resolves with {process, match} once a stdout/stderr line matches `ready`.
export function startProcess(command, args, ready, { timeoutMs = 20_000, env = {} } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${command} did not start in ${timeoutMs} ms:\n${output}`)); }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(ready);
      if (match) { clearTimeout(timer); resolve({ process: child, match, output: () => output }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${command} exited (${code}):\n${output}`)); });
  });
}

export function stopProcess(handle) {
  // Already gone (exited, or killed by a signal: then exitCode stays null).
  if (!handle?.process || handle.process.exitCode !== null || handle.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { handle.process.once('exit', resolve); handle.process.kill('SIGTERM'); });
}

export async function signIn(page, base, name, password, landing) {
  await page.goto(`${base}/#/connexion`);
  await page.getByLabel('Identifiant').fill(name);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  if (landing) await expect(page).toHaveURL(new RegExp(`#/${landing}`));
}

// No serious or critical WCAG violation (RGAA rests on the same criteria).
export async function expectAccessible(page, what) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
}

export const screenshotDir = () => process.env.DISPO_SCREENSHOTS ?? join(process.cwd(), 'screenshots');

// Writes <name>-desktop.png and <name>-telephone.png (full page).
export async function screenshots(page, name) {
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  const size = page.viewportSize();
  for (const [label, viewport] of [['bureau', DESKTOP], ['telephone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);   // layout and map resize after the viewport change (not a wait for data)
    await page.screenshot({ path: join(dir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}
