import { useLayoutEffect, useId, useRef, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import { cx } from './cx'
import { IconX } from './icons'

export interface DialogProps {
  open: boolean
  title: ReactNode
  /** Esc, the close button and a click on the backdrop call it; omit it for a dialog that must be answered. */
  onClose?: () => void
  children: ReactNode
  footer?: ReactNode
  size?: 'sm' | 'md' | 'lg' | 'xl' | 'full'
  description?: ReactNode
  className?: string
}

/** The open dialogs' panels, in the order they opened: the last is on top. */
const openPanels: HTMLElement[] = []

/** True while a dialog is open: it owns the keyboard then (register shortcuts, type-to-search). */
export function isDialogOpen(): boolean {
  return openPanels.length > 0
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog: focus moves in (to [data-autofocus] or the first field) and back out to
 * where it was on close, Tab stays inside, Esc closes. Rendered on document.body.
 */
export function Dialog({ open, title, onClose, children, footer, size = 'md', description, className }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  // A layout effect: the keys work from the moment the screen shows, not one paint later.
  useLayoutEffect(() => {
    if (!open) return
    const before = document.activeElement as HTMLElement | null
    const el = panel.current
    // A field if there is one; else the panel itself (a keypad dialog listens to the keyboard,
    // and a ring on the close button would only distract).
    const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>('input:not([disabled]):not([type=checkbox]), select, textarea')
    ;(first ?? el)?.focus()
    if (el) openPanels.push(el)
    const onKey = (e: KeyboardEvent) => {
      // Only the topmost dialog answers the keys (one opened from another sits over it).
      if (openPanels[openPanels.length - 1] !== el) return
      if (e.key === 'Escape' && closeRef.current) {
        e.preventDefault()
        e.stopPropagation()
        closeRef.current()
      } else if (e.key === 'Tab' && el) {
        const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null)
        if (items.length === 0) return
        const i = items.indexOf(document.activeElement as HTMLElement)
        if (e.shiftKey && i <= 0) {
          e.preventDefault()
          items[items.length - 1].focus()
        } else if (!e.shiftKey && i === items.length - 1) {
          e.preventDefault()
          items[0].focus()
        }
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      const at = el ? openPanels.lastIndexOf(el) : -1
      if (at >= 0) openPanels.splice(at, 1)
      if (before && document.contains(before)) before.focus()
    }
  }, [open])

  if (!open) return null
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose?.()}>
      <div ref={panel} className={cx('dialog', `dialog--${size}`, className)} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <header className="dialog__header">
          <div>
            <h2 id={titleId} className="dialog__title">
              {title}
            </h2>
            {description ? <p className="dialog__description">{description}</p> : null}
          </div>
          {onClose ? (
            <button type="button" className="dialog__close" onClick={onClose} aria-label="Close">
              <IconX />
            </button>
          ) : null}
        </header>
        <div className="dialog__body">{children}</div>
        {footer ? <footer className="dialog__footer">{footer}</footer> : null}
      </div>
    </div>,
    document.body,
  )
}
