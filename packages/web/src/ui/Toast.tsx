import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { cx } from './cx'
import { IconAlert, IconCheck, IconInfo, IconX } from './icons'

export type ToastKind = 'info' | 'success' | 'error' | 'warning'
export interface ToastInput {
  kind?: ToastKind
  title: ReactNode
  message?: ReactNode
  /** ms; errors stay 6 s, others 3.5 s. */
  timeout?: number
}
interface ToastItem extends ToastInput {
  id: number
}

const ToastContext = createContext<{ show: (t: ToastInput) => void; clear: () => void }>({ show: () => {}, clear: () => {} })

/** Short messages at the bottom left, announced to screen readers; errors stay longer. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([])
  const next = useRef(1)
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), [])
  const show = useCallback(
    (t: ToastInput) => {
      const id = next.current++
      setItems((xs) => [...xs.slice(-1), { ...t, id }])
      window.setTimeout(() => dismiss(id), t.timeout ?? (t.kind === 'error' ? 6000 : t.kind === 'success' ? 2200 : 3500))
    },
    [dismiss],
  )
  const clear = useCallback(() => setItems([]), [])
  const value = useMemo(() => ({ show, clear }), [show, clear])
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite" aria-atomic="false">
        {items.map((t) => (
          <div key={t.id} className={cx('toast', `toast--${t.kind ?? 'info'}`)} role={t.kind === 'error' ? 'alert' : 'status'}>
            <span className="toast__icon" aria-hidden="true">
              {t.kind === 'success' ? <IconCheck /> : t.kind === 'error' || t.kind === 'warning' ? <IconAlert /> : <IconInfo />}
            </span>
            <div className="toast__text">
              <strong>{t.title}</strong>
              {t.message ? <span>{t.message}</span> : null}
            </div>
            <button type="button" className="toast__close" onClick={() => dismiss(t.id)} aria-label="Dismiss">
              <IconX />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast() {
  return useContext(ToastContext)
}
