import { useEffect, useRef } from 'react'

/** Calls onIdle after `minutes` without a touch, click or key (0 = never). */
export function useIdle(minutes: number, onIdle: () => void, enabled = true): void {
  const cb = useRef(onIdle)
  cb.current = onIdle
  useEffect(() => {
    if (!enabled || !minutes) return
    let timer = 0
    const arm = () => {
      window.clearTimeout(timer)
      timer = window.setTimeout(() => cb.current(), minutes * 60_000)
    }
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const
    for (const e of events) window.addEventListener(e, arm, { passive: true })
    arm()
    return () => {
      window.clearTimeout(timer)
      for (const e of events) window.removeEventListener(e, arm)
    }
  }, [minutes, enabled])
}
