import type { ReactNode } from 'react'
import { cx } from './cx'
import { IconMinus, IconPlus } from './icons'

export function Badge({ tone = 'neutral', children, className }: { tone?: 'neutral' | 'brand' | 'points' | 'success' | 'warning' | 'danger' | 'info'; children: ReactNode; className?: string }) {
  return <span className={cx('badge', `badge--${tone}`, className)}>{children}</span>
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />
}

/** A row of mutually exclusive options (tabs for tender kinds, amount vs percent…). */
export function Segmented<T extends string>({ value, options, onChange, label, size = 'md' }: { value: T; options: { value: T; label: ReactNode; icon?: ReactNode }[]; onChange: (v: T) => void; label: string; size?: 'md' | 'lg' }) {
  return (
    <div className={cx('segmented', `segmented--${size}`)} role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={o.value === value} className={cx('segmented__item', o.value === value && 'is-active')} onClick={() => onChange(o.value)}>
          {o.icon ? <span aria-hidden="true" className="segmented__icon">{o.icon}</span> : null}
          {o.label}
        </button>
      ))}
    </div>
  )
}

/** − value + with 48 px buttons. */
export function Stepper({ value, onChange, min = 0, max = 999999, label, format }: { value: number; onChange: (v: number) => void; min?: number; max?: number; label: string; format?: (v: number) => ReactNode }) {
  return (
    <div className="stepper" role="group" aria-label={label}>
      <button type="button" className="stepper__btn" onClick={() => onChange(Math.max(min, value - 1))} disabled={value <= min} aria-label={`Fewer ${label}`}>
        <IconMinus />
      </button>
      <output className="stepper__value" aria-live="polite">
        {format ? format(value) : value}
      </output>
      <button type="button" className="stepper__btn" onClick={() => onChange(Math.min(max, value + 1))} disabled={value >= max} aria-label={`More ${label}`}>
        <IconPlus />
      </button>
    </div>
  )
}

export function EmptyState({ icon, title, children }: { icon?: ReactNode; title: ReactNode; children?: ReactNode }) {
  return (
    <div className="empty">
      {icon ? <div className="empty__icon" aria-hidden="true">{icon}</div> : null}
      <strong className="empty__title">{title}</strong>
      {children ? <div className="empty__text">{children}</div> : null}
    </div>
  )
}
