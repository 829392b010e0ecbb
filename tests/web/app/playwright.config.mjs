// Playwright for the web app: Debian's chromium (no browser download), one worker (the machine
// has two cores shared with the broker and the gateway under test).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs/,
  workers: 1,
  timeout: 180_000,   // a loaded 2-core machine: screenshots and axe take tens of seconds
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: process.env.DISPO_WEB_TEST_OUTPUT ?? 'test-results',
  use: {
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    launchOptions: {
      executablePath: process.env.DISPO_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--lang=fr-FR', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
