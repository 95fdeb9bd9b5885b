import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { cx } from './cx'

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'destructive' | 'points' | 'success' | 'subtle'
export type ButtonSize = 'sm' | 'md' | 'lg' | 'xl'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant
  size?: ButtonSize
  block?: boolean
  icon?: ReactNode
  /** The keyboard shortcut, shown on the button ("F12"). The handler is the caller's. */
  kbd?: string
  busy?: boolean
}

/** The one button. Every size is at least 48 px tall (sm is for dense toolbars only, 40 px). */
export function Button({ variant = 'secondary', size = 'md', block, icon, kbd, busy, children, className, disabled, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      className={cx('btn', `btn--${variant}`, `btn--${size}`, block && 'btn--block', busy && 'btn--busy', className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {icon ? <span className="btn__icon" aria-hidden="true">{icon}</span> : null}
      {children !== undefined && children !== null ? <span className="btn__label">{children}</span> : null}
      {kbd ? <kbd className="kbd btn__kbd" aria-hidden="true">{kbd}</kbd> : null}
    </button>
  )
}

/** A square button with only an icon: the label is required for screen readers and the tooltip. */
export function IconButton({ label, icon, className, size = 'md', variant = 'ghost', ...rest }: Omit<ButtonProps, 'children'> & { label: string; icon: ReactNode }) {
  return <Button {...rest} variant={variant} size={size} className={cx('btn--icon', className)} icon={icon} aria-label={label} title={label} />
}
