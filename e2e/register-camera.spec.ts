import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import QRCode from 'qrcode'
import config from './playwright.config'
import { ownerApi, pinLogin, setUpTerminal, shot } from './register'

// A member's QR code read with the tablet's camera. Chromium's fake camera plays a Y4M video
// made here, before the browser starts (its file is a launch argument): each frame shows the QR
// code of a member card, as a member would hold their card or phone up to the camera. Another
// code (not a member card) is shown through a canvas stream put in place of the camera.

/** A card code as Patron issues them, new for each worker: no member has it until the test enrols one. */
const CARD = `P${Array.from({ length: 9 }, () => '23456789ABCDEFGHJKMNPQRSTUVWXYZ'[crypto.randomInt(31)]).join('')}`
/** A QR code the shop might meet that is no member card (a café's menu). */
const NOT_A_CARD = 'https://harbour-cafe.example/menu'

const W = 640
const H = 480
/** Camera pixels per QR module, and the quiet zone around the code in modules. */
const SCALE = 8
const QUIET = 4

/**
 * A Y4M video (4:2:0, 10 frames at 10 fps; Chromium plays it in a loop) of a QR code in the middle
 * of a dark counter. Written synchronously at module load: launch arguments are fixed before any
 * hook runs.
 */
function qrVideo(text: string, name: string): string {
  const file = path.join(os.tmpdir(), `patron-e2e-camera-${process.pid}-${name}.y4m`)
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules
  const side = (modules.size + 2 * QUIET) * SCALE
  const left = Math.floor((W - side) / 2)
  const top = Math.floor((H - side) / 2)
  const y = Buffer.alloc(W * H)
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < W; col++) {
      // A dark, slightly lit surface around the code; the code white with black modules.
      const inside = row >= top && row < top + side && col >= left && col < left + side
      let v = 60 + Math.round(25 * (1 - Math.hypot(col - W / 2, row - H / 2) / 400))
      if (inside) {
        const mr = Math.floor((row - top) / SCALE) - QUIET
        const mc = Math.floor((col - left) / SCALE) - QUIET
        const dark = mr >= 0 && mc >= 0 && mr < modules.size && mc < modules.size && modules.get(mr, mc)
        v = dark ? 16 : 235
      }
      y[row * W + col] = v
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]))
  // The browser is closed before its worker process ends.
  process.on('exit', () => fs.rmSync(file, { force: true }))
  return file
}

function withCamera(video: string) {
  const base = config.use?.launchOptions ?? {}
  return {
    launchOptions: {
      ...base,
      executablePath: base.executablePath ?? '/usr/bin/chromium',
      args: [...(base.args ?? []), '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    },
  }
}

// The page's own objects (the e2e project has no DOM types).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWindow = any

/**
 * Keeps every camera stream the page opens, to check that none is left running. With `qr`, the
 * camera shows that QR code (drawn on a canvas from its modules) instead of the fake device.
 */
async function watchCameras(page: Page, qr?: string) {
  const rows = qr ? moduleRows(qr) : null
  await page.addInitScript((rows: string[] | null) => {
    const w = globalThis as AnyWindow
    w.__streams = []
    const media = w.navigator.mediaDevices
    if (!media?.getUserMedia) return
    const original = media.getUserMedia.bind(media)
    media.getUserMedia = async (constraints: unknown) => {
      const stream = rows ? canvasCamera(rows) : await original(constraints)
      w.__streams.push(stream)
      return stream
    }
    function canvasCamera(modules: string[]) {
      const canvas = w.document.createElement('canvas')
      canvas.width = 640
      canvas.height = 480
      const ctx = canvas.getContext('2d')
      const scale = 8
      const side = (modules.length + 8) * scale
      const draw = () => {
        ctx.fillStyle = '#3a3f45'
        ctx.fillRect(0, 0, 640, 480)
        const x0 = (640 - side) / 2
        const y0 = (480 - side) / 2
        ctx.fillStyle = '#fff'
        ctx.fillRect(x0, y0, side, side)
        ctx.fillStyle = '#000'
        modules.forEach((row, r) => [...row].forEach((m, c) => m === '1' && ctx.fillRect(x0 + (c + 4) * scale, y0 + (r + 4) * scale, scale, scale)))
      }
      draw()
      const stream = canvas.captureStream(10)
      const timer = w.setInterval(draw, 100)
      stream.getVideoTracks()[0].addEventListener('ended', () => w.clearInterval(timer))
      return stream
    }
  }, rows)
}

function moduleRows(text: string): string[] {
  const m = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules
  return Array.from({ length: m.size }, (_, r) => Array.from({ length: m.size }, (_, c) => (m.get(r, c) ? '1' : '0')).join(''))
}

async function liveTracks(page: Page): Promise<number> {
  return page.evaluate(() => ((globalThis as AnyWindow).__streams as AnyWindow[]).flatMap((s) => s.getTracks()).filter((t: AnyWindow) => t.readyState === 'live').length)
}

async function openCamera(page: Page) {
  await page.keyboard.press('F4')
  const member = page.getByRole('dialog', { name: 'Member', exact: true })
  await member.getByRole('button', { name: 'Scan with camera' }).click()
  return { member, camera: page.getByRole('dialog', { name: 'Scan a member card' }) }
}

// Every test of this file has the fake camera showing the member card's QR code.
test.use({ viewport: { width: 1280, height: 800 }, ...withCamera(qrVideo(CARD, 'card')) })

test('a member card: unknown, said so; once it is a member’s, scanning puts them on the sale and the camera goes off', async ({ page, request }) => {
  const api = await ownerApi(request)
  await watchCameras(page)
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')

  // No member has this card yet.
  const { member, camera } = await openCamera(page)
  await expect(camera.getByRole('alert')).toContainText('Unknown card')
  await expect(camera.getByRole('alert')).toContainText(`No member has the card ${CARD}`)
  expect(await liveTracks(page)).toBe(0)
  await shot(page, 'register-41-camera-unknown-card')

  // The member is enrolled with this card (as the back office would).
  const name = 'Camille Scanner'
  const phone = `+44 7700 9${String(crypto.randomInt(100000)).padStart(5, '0')}`
  const created = await api.post('/api/v1/customers', { data: { name, phone, cardCode: CARD } })
  expect(created.status()).toBe(201)

  // Scan again; the lookup is held back a moment to see the screen between read and found.
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  await page.route(/\/api\/v1\/customers\?q=/, async (route) => {
    await held
    await route.continue()
  })
  await camera.getByRole('button', { name: 'Scan again' }).click()
  await expect(camera.locator('.camera-scan__status')).toContainText(`Card ${CARD}`)
  expect(await liveTracks(page)).toBe(0) // off as soon as the code is read
  await shot(page, 'register-40-camera-read')
  release()

  await expect(camera).toBeHidden()
  await expect(member).toBeHidden()
  const panel = page.getByRole('region', { name: 'Member on this sale' })
  await expect(panel).toContainText(name)
  await expect(page.getByRole('status').filter({ hasText: `${name} added to the sale` })).toBeVisible()
  await page.unroute(/\/api\/v1\/customers\?q=/)
  expect(await liveTracks(page)).toBe(0)
  await shot(page, 'register-43-camera-member-on-sale')
})

test('a QR code that is not a member card is refused in plain words while the camera keeps looking; Esc and the close button turn it off; a refused camera is said so', async ({ page }) => {
  await watchCameras(page, NOT_A_CARD)
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')

  const { member, camera } = await openCamera(page)
  await expect(camera.getByRole('alert')).toContainText('Not a Patron member card')
  await expect(camera.locator('.camera-scan__status')).toContainText('looking for a member card')
  expect(await liveTracks(page)).toBe(1)
  await shot(page, 'register-42-camera-not-a-card')

  // Esc closes the camera view only, and the camera goes off.
  await page.keyboard.press('Escape')
  await expect(camera).toBeHidden()
  await expect(member).toBeVisible()
  expect(await liveTracks(page)).toBe(0)

  // So does the close button.
  await member.getByRole('button', { name: 'Scan with camera' }).click()
  await expect(camera.locator('.camera-scan__status')).toContainText('looking for a member card')
  expect(await liveTracks(page)).toBe(1)
  await camera.getByRole('button', { name: 'Close' }).click()
  await expect(camera).toBeHidden()
  expect(await liveTracks(page)).toBe(0)

  // And so does going back to the search (to type the code, a phone or a name).
  await member.getByRole('button', { name: 'Scan with camera' }).click()
  await expect(camera.locator('.camera-scan__status')).toContainText('looking for a member card')
  await camera.getByRole('button', { name: 'Find by phone or name' }).click()
  await expect(camera).toBeHidden()
  await expect(member.getByLabel(/Find a member/)).toBeFocused()
  expect(await liveTracks(page)).toBe(0)
  await shot(page, 'register-39-member-dialog-camera')

  // A browser that refuses the camera: the cashier is told what to do.
  await page.evaluate(() => {
    const media = (globalThis as AnyWindow).navigator.mediaDevices
    media.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
  })
  await member.getByRole('button', { name: 'Scan with camera' }).click()
  await expect(camera.getByRole('alert')).toContainText('Camera permission denied')
  await expect(camera.getByRole('button', { name: 'Try again' })).toBeVisible()
  await shot(page, 'register-44-camera-denied')
})
