import type { ReactNode } from 'react'
import { Keypad, cx } from '../../ui'

/** A big read-out over a keypad: amounts, percents, weights and quantities typed by touch or keyboard. */
export function AmountPad({ value, onChange, prefix, suffix, mode = 'decimal', onEnter, enterLabel, enterDisabled, hint, error, maxLength = 9, label, autoFocus = true }: { value: string; onChange: (v: string) => void; prefix?: ReactNode; suffix?: ReactNode; mode?: 'decimal' | 'digits' | 'pin'; onEnter?: () => void; enterLabel?: ReactNode; enterDisabled?: boolean; hint?: ReactNode; error?: ReactNode; maxLength?: number; label: string; autoFocus?: boolean }) {
  return (
    <div className="amount-pad">
      {/* In a dialog the read-out takes the focus (data-autofocus), so typed digits reach the pad, not a text field. */}
      <div className={cx('amount-pad__display', error && 'is-invalid')} aria-live="polite" aria-label={label} tabIndex={-1} data-autofocus={autoFocus ? '' : undefined}>
        {prefix ? <span className="amount-pad__affix">{prefix}</span> : null}
        <span className={cx('amount-pad__value num', !value && 'is-empty')}>{value || '0'}</span>
        {suffix ? <span className="amount-pad__affix">{suffix}</span> : null}
      </div>
      <div className={cx('amount-pad__hint', error && 'is-error')} role={error ? 'alert' : undefined}>{error ?? hint ?? '\u00a0'}</div>
      <Keypad value={value} onChange={onChange} mode={mode} onEnter={onEnter} enterLabel={enterLabel} enterDisabled={enterDisabled} captureKeyboard maxLength={maxLength} size="md" label={label} />
    </div>
  )
}
