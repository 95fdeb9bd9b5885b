import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react'
import { cx } from './cx'

export interface InputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'size'> {
  label?: ReactNode
  hint?: ReactNode
  error?: ReactNode
  size?: 'md' | 'lg' | 'xl'
  /** Shown inside the field on the left (an icon or a currency sign). */
  leading?: ReactNode
  trailing?: ReactNode
  ref?: Ref<HTMLInputElement>
  wrapClassName?: string
}

/** A labelled text field with hint and error; 48 px tall by default, 64 px (lg) at the till. */
export function Input({ label, hint, error, size = 'md', leading, trailing, id, className, wrapClassName, ref, ...rest }: InputProps) {
  const auto = useId()
  const inputId = id ?? auto
  const hintId = hint ? `${inputId}-hint` : undefined
  const errorId = error ? `${inputId}-error` : undefined
  return (
    <div className={cx('field', wrapClassName)}>
      {label ? (
        <label className="field__label" htmlFor={inputId}>
          {label}
        </label>
      ) : null}
      <div className={cx('input', `input--${size}`, error && 'input--invalid', className)}>
        {leading ? <span className="input__leading">{leading}</span> : null}
        <input ref={ref} id={inputId} aria-invalid={error ? true : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} {...rest} />
        {trailing ? <span className="input__trailing">{trailing}</span> : null}
      </div>
      {error ? (
        <div className="field__error" id={errorId} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field__hint" id={hintId}>
          {hint}
        </div>
      ) : null}
    </div>
  )
}

/** A big checkbox row (the whole row is the touch target). */
export function Checkbox({ label, checked, onChange, hint, id }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; hint?: ReactNode; id?: string }) {
  const auto = useId()
  const boxId = id ?? auto
  return (
    <label className="check" htmlFor={boxId}>
      <input id={boxId} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span className="check__box" aria-hidden="true" />
      <span className="check__text">
        <span>{label}</span>
        {hint ? <small>{hint}</small> : null}
      </span>
    </label>
  )
}
