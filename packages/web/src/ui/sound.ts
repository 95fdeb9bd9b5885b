let audio: AudioContext | null = null

/**
 * Short tones made with Web Audio (no sound files to load): a low double buzz for "not found"
 * or an error, a short high tick for a good scan. Silent where audio is unavailable.
 */
export function beep(kind: 'error' | 'ok' = 'error'): void {
  try {
    audio ??= new AudioContext()
    const ctx = audio
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
