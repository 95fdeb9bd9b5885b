import { useLayoutEffect, type ReactNode } from 'react'
import { cx } from './cx'
import { IconBackspace } from './icons'

export interface KeypadProps {
  value: string
  onChange: (value: string) => void
  /** The Enter key (and the physical Enter key with captureKeyboard). */
  onEnter?: () => void
  enterLabel?: ReactNode
  enterDisabled?: boolean
  /** decimal adds a "." key; digits has "00" for amounts typed in minor units, or clear for PINs. */
  mode?: 'pin' | 'digits' | 'decimal'
  maxLength?: number
  /** Also take digits, Backspace and Enter from a physical keyboard (not while a text field has focus). */
  captureKeyboard?: boolean
  disabled?: boolean
  size?: 'md' | 'lg'
  label?: string
}

/**
 * The number pad: PINs, amounts, weights, quantities. Keys are 64 px or more, laid out like a
 * phone (1 2 3 on top) because that is what a card terminal next to the till looks like too.
 */
export function Keypad({ value, onChange, onEnter, enterLabel, enterDisabled, mode = 'digits', maxLength = 12, captureKeyboard, disabled, size = 'lg', label = 'Number pad' }: KeypadProps) {
  const press = (key: string) => {
    if (disabled) return
    if (key === 'back') return onChange(value.slice(0, -1))
    if (key === 'clear') return onChange('')
    if (key === '.' && (mode !== 'decimal' || value.includes('.'))) return
    const next = (value === '0' && key !== '.' && mode !== 'pin' ? '' : value) + key
    if (next.replace('.', '').length > maxLength) return
    onChange(next)
  }

  // A layout effect: the keys work from the moment the screen shows, not one paint later.
  useLayoutEffect(() => {
    if (!captureKeyboard || disabled) return
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return
      if (e.ctrlKey || e.metaKey || e.altKey) return
      if (/^\d$/.test(e.key)) press(e.key)
      else if (e.key === 'Backspace') press('back')
      else if ((e.key === '.' || e.key === ',') && mode === 'decimal') press('.')
      else if (e.key === 'Enter' && onEnter && !enterDisabled) onEnter()
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  const third = mode === 'decimal' ? '.' : mode === 'digits' ? '00' : 'clear'
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', third, '0', 'back']
  return (
    <div className={cx('keypad', `keypad--${size}`)} role="group" aria-label={label}>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          className={cx('keypad__key', (k === 'back' || k === 'clear') && 'keypad__key--fn')}
          onClick={() => press(k)}
          disabled={disabled}
          aria-label={k === 'back' ? 'Delete last digit' : k === 'clear' ? 'Clear' : k}
        >
          {k === 'back' ? <IconBackspace /> : k === 'clear' ? 'Clear' : k}
        </button>
      ))}
      {onEnter ? (
        <button type="button" className="keypad__key keypad__enter" onClick={onEnter} disabled={disabled || enterDisabled}>
          {enterLabel ?? 'Enter'}
        </button>
      ) : null}
    </div>
  )
}
