import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/client'
import { Button, Keypad, IconLock, IconCloud, IconWifiOff, cx, beep, useToast } from '../../ui'
import { Brand } from '../components/Brand'
import { useFormat } from '../format'
import { cart as cartStore, isApiError, pinLogin, session, terminal, online } from '../state/session'
import { useStore } from '../state/store'
import { cartItemCount, priceCart } from '../state/cart'
import { pricingOf, reference } from '../state/reference'
import { outbox } from '../state/outbox'
import { SetupScreen } from './SetupScreen'

/**
 * Cashier sign-in on the big keypad (or the keyboard). Also the lock screen: after idle time or
 * "switch cashier" the cart stays and the next cashier carries on with it.
 */
export function PinScreen({ onShown }: { onShown?: () => void } = {}) {
  const t = useStore(terminal)!
  const locked = useStore(session, (s) => s.locked)
  const cart = useStore(cartStore)
  const ref = useStore(reference)
  const isOnline = useStore(online)
  const queued = useStore(outbox, (xs) => xs.length)
  const f = useFormat()
  const [pin, setPin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [shake, setShake] = useState(false)
  const [setup, setSetup] = useState(false)
  const [now, setNow] = useState(() => new Date())

  const toast = useToast()
  // Messages of the session before are not for the next cashier.
  useEffect(() => toast.clear(), [toast])
  // The register behind the PIN pad is fetched once the pad is on screen (App: a chunk of its own).
  useEffect(() => onShown?.(), [onShown])
  useEffect(() => {
    const id = window.setInterval(() => setNow(new Date()), 15_000)
    return () => window.clearInterval(id)
  }, [])

  async function submit() {
    if (pin.length < 4 || busy) return
    setBusy(true)
    setError(null)
    try {
      await pinLogin(pin)
    } catch (e) {
      setPin('')
      setShake(true)
      window.setTimeout(() => setShake(false), 400)
      beep('error')
      if (isApiError(e, 'INVALID_PIN')) {
        const left = (e.details as { attemptsLeft?: number }).attemptsLeft
        setError(left !== undefined && left <= 2 ? `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left before the pad locks for a minute.` : 'Wrong PIN. Try again.')
      } else if (isApiError(e, 'STAFF_NOT_IN_STORE')) setError(`${e.message}.`)
      else setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (setup) return <SetupScreen onCancel={() => setSetup(false)} />

  let cartSummary: string | null = null
  if (cart.lines.length > 0 && ref) {
    try {
      const priced = priceCart(pricingOf(ref), cart, ref.program?.rules ?? null)
      cartSummary = `${cartItemCount(cart)} ${cartItemCount(cart) === 1 ? 'item' : 'items'} · ${f.money(priced?.totalMinor ?? 0)}`
    } catch {
      cartSummary = `${cart.lines.length} lines`
    }
  }

  return (
    <div className="pin-screen">
      <aside className="pin-screen__side">
        <Brand />
        <div className="pin-screen__where">
          <div className="pin-screen__time">{new Intl.DateTimeFormat(f.locale, { hour: '2-digit', minute: '2-digit' }).format(now)}</div>
          <div className="pin-screen__date">{new Intl.DateTimeFormat(f.locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(now)}</div>
          <div className="pin-screen__store">{t.storeName}</div>
          <div className="pin-screen__terminal">{t.terminalName} · {t.storeCode}-{t.terminalCode}</div>
        </div>
        <div className="pin-screen__status">
          <span className={cx('status-dot', isOnline ? 'is-online' : 'is-offline')} />
          {isOnline ? <><IconCloud size={18} /> Connected</> : <><IconWifiOff size={18} /> Offline</>}
          {queued > 0 ? <span> · {queued} waiting to send</span> : null}
        </div>
      </aside>
      <main className="pin-screen__main">
        <div className={cx('pin-card', shake && 'is-shaking')}>
          {locked ? (
            <div className="pin-card__locked">
              <IconLock size={18} /> Register locked
            </div>
          ) : null}
          <h1 className="pin-card__title">{locked ? 'Enter a PIN to continue' : 'Enter your PIN'}</h1>
          {cartSummary ? <p className="pin-card__cart">Sale in progress kept: <strong>{cartSummary}</strong></p> : <p className="pin-card__cart muted">Cashiers, managers and the owner sign in with their PIN.</p>}
          <div className="pin-dots" aria-live="polite" aria-label={`${pin.length} digits entered`}>
            {Array.from({ length: Math.max(4, pin.length) }, (_, i) => (
              <span key={i} className={cx('pin-dot', i < pin.length && 'is-filled')} />
            ))}
          </div>
          <div className="pin-card__error" role="alert">{error ?? '\u00a0'}</div>
          <Keypad value={pin} onChange={(v) => { setPin(v); setError(null) }} mode="pin" maxLength={6} captureKeyboard onEnter={submit} enterDisabled={pin.length < 4} enterLabel={busy ? 'Signing in…' : 'Sign in'} disabled={busy} label="PIN pad" />
        </div>
        <Button variant="ghost" size="sm" className="pin-screen__setup" onClick={() => setSetup(true)}>
          Terminal set-up (manager)
        </Button>
      </main>
    </div>
  )
}
