let audio: AudioContext | null = null
let unavailable = false

/**
 * The audio context, made once. Making it is slow (its audio device is opened: 10–50 ms on a
 * till, over 200 ms in a headless browser), so the register makes it when idle (`warmUpSound`)
 * rather than in the first scan's keystroke. Null where audio is unavailable.
 */
function context(): AudioContext | null {
  if (audio || unavailable) return audio
  try {
    audio = new AudioContext()
  } catch {
    unavailable = true
  }
  return audio
}

/** Makes the audio context ahead of the first beep (call when idle). */
export function warmUpSound(): void {
  context()
}

/**
 * Short tones made with Web Audio (no sound files to load): a low double buzz for "not found"
 * or an error, a short high tick for a good scan. Silent where audio is unavailable. Never holds
 * up the screen: before the audio context exists, the tone is played in a task of its own.
 */
export function beep(kind: 'error' | 'ok' = 'error'): void {
  if (audio) play(audio, kind)
  else if (!unavailable)
    setTimeout(() => {
      const ctx = context()
      if (ctx) play(ctx, kind)
    }, 0)
}

function play(ctx: AudioContext, kind: 'error' | 'ok'): void {
  try {
    // A context made before any user gesture starts suspended; a key or a tap allows it to run.
    if (ctx.state === 'suspended') void ctx.resume()
    const tones = kind === 'error' ? [{ f: 220, at: 0, d: 0.14 }, { f: 180, at: 0.18, d: 0.2 }] : [{ f: 1320, at: 0, d: 0.06 }]
    for (const t of tones) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = kind === 'error' ? 'square' : 'sine'
      osc.frequency.value = t.f
      const start = ctx.currentTime + t.at
      gain.gain.setValueAtTime(0.0001, start)
      gain.gain.exponentialRampToValueAtTime(kind === 'error' ? 0.12 : 0.08, start + 0.01)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + t.d)
      osc.connect(gain).connect(ctx.destination)
      osc.start(start)
      osc.stop(start + t.d + 0.02)
    }
  } catch {
    // No audio device: the on-screen message is the signal.
  }
}
