/**
 * Reads QR codes from a live <video>: the browser's own BarcodeDetector where it has one that
 * knows QR codes (Android, ChromeOS, macOS), else jsQR, loaded on first use so it is not in the
 * register's start-up bundle.
 */
export type QrReader = (video: HTMLVideoElement) => Promise<string | null>

interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>
}
interface BarcodeDetectorClass {
  new (options?: { formats: string[] }): BarcodeDetectorLike
  getSupportedFormats?: () => Promise<string[]>
}

/** Frames are read at most this wide: enough for a card held at the counter, cheap for jsQR. */
const MAX_WIDTH = 640

async function nativeReader(): Promise<QrReader | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (!Detector) return null
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? []
    if (!formats.includes('qr_code')) return null
    const detector = new Detector({ formats: ['qr_code'] })
    return async (video) => {
      const codes = await detector.detect(video)
      return codes.find((c) => c.rawValue)?.rawValue ?? null
    }
  } catch {
    return null
  }
}

async function jsqrReader(): Promise<QrReader> {
  const mod = (await import('jsqr')) as unknown as { default: unknown }
  // A CommonJS bundle: the function is the default export, or that export's own default.
  const jsQR = (typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default) as typeof import('jsqr').default
  const canvas = document.createElement('canvas')
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('This browser cannot read camera pictures.')
  return async (video) => {
    const vw = video.videoWidth
    const vh = video.videoHeight
    if (!vw || !vh) return null
    const scale = Math.min(1, MAX_WIDTH / vw)
    const w = Math.round(vw * scale)
    const h = Math.round(vh * scale)
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w
      canvas.height = h
    }
    ctx.drawImage(video, 0, 0, w, h)
    const image = ctx.getImageData(0, 0, w, h)
    // Both ways round: a member card on a phone in dark mode is light on dark.
    return jsQR(image.data, w, h, { inversionAttempts: 'attemptBoth' })?.data ?? null
  }
}

/** The best QR reader this browser has. Throws when jsQR cannot be loaded (offline, first use). */
export async function qrReader(): Promise<QrReader> {
  return (await nativeReader()) ?? (await jsqrReader())
}
