import { useLayoutEffect, useRef } from 'react'
import { isDialogOpen } from '../../ui'

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>

/** "F12", "Ctrl+Enter", "Delete"…: the name of a key press as the shortcut maps use it. */
export function keyName(e: KeyboardEvent): string {
  const parts: string[] = []
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl')
  if (e.altKey) parts.push('Alt')
  if (e.shiftKey && e.key.length > 1) parts.push('Shift')
  parts.push(e.key.length === 1 ? e.key.toUpperCase() : e.key)
  return parts.join('+')
}

function isEditable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
}

/**
 * Register-wide keys. Function keys and Ctrl combinations work everywhere; plain keys (Delete,
 * +, −, arrows) only when no text field has focus. Nothing fires while a dialog is open: the
 * dialog owns the keyboard then.
 */
export function useShortcuts(map: ShortcutMap, enabled = true): void {
  const ref = useRef(map)
  ref.current = map
  // A layout effect: the keys work from the moment the screen shows, not one paint later.
  useLayoutEffect(() => {
    if (!enabled) return
    const onKey = (e: KeyboardEvent) => {
      if (isDialogOpen()) return
      const name = keyName(e)
      const fn = ref.current[name]
      if (!fn) return
      const global = /^F\d+$/.test(e.key) || e.ctrlKey || e.metaKey
      if (!global && isEditable(e.target)) return
      e.preventDefault()
      fn(e)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [enabled])
}

/**
 * Tells a keyboard-wedge scanner from a person: a scanner types a whole code within a few
 * milliseconds per key and ends with Enter. Feed it every key of a field; on Enter, `take()`
 * returns the scanned code (even when typed after text already in the field) or null.
 */
export class ScanDetector {
  private chars: string[] = []
  private last = 0
  constructor(private readonly maxGapMs = 60, private readonly minLength = 6) {}
  key(e: { key: string; timeStamp: number }): void {
    if (e.key.length !== 1) return
    if (e.timeStamp - this.last > this.maxGapMs) this.chars = []
    this.chars.push(e.key)
    this.last = e.timeStamp
  }
  take(): string | null {
    const code = this.chars.length >= this.minLength ? this.chars.join('') : null
    this.chars = []
    return code
  }
}

export { isEditable }
