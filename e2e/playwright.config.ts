import os from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

const port = Number(process.env.PATRON_E2E_PORT ?? 3917)
// A fresh demo shop per run, in a temp folder: the journeys start from what a newcomer sees.
const dataDir = path.join(os.tmpdir(), `patron-e2e-${process.pid}`)

export default defineConfig({
  testDir: '.',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['json']],
  outputDir: '../test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.PATRON_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    // The register is built first when its build is missing or stale (the same step as npm start).
    command: `node scripts/build-web.mjs --strict && rm -rf ${dataDir} && node packages/server/bin/patron.js start`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { PORT: String(port), HOST: '127.0.0.1', PATRON_DATA_DIR: dataDir, DATABASE_URL: '' },
    stdout: 'ignore',
    stderr: 'pipe',
  },
})
