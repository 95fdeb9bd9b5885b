import { useEffect, useState, type FormEvent } from 'react'
import { api, errorMessage } from '../../api/client'
import type { Page, StoreView, TerminalView } from '../../api/types'
import { Button, Input, IconCheck, IconStore, IconPlus, Segmented, cx } from '../../ui'
import { catalog } from '../state/catalog'
import { reference } from '../state/reference'
import { session, terminal, type TerminalConfig } from '../state/session'
import { Brand } from '../components/Brand'

type Step = 'login' | 'pick' | 'done'
const IDLE_CHOICES = [
  { value: '1', label: '1 min' },
  { value: '3', label: '3 min' },
  { value: '5', label: '5 min' },
  { value: '15', label: '15 min' },
  { value: '0', label: 'Never' },
]

/**
 * Registers this browser as a terminal of a store, once, by a manager or the owner (password
 * sign-in). The terminal id is kept in localStorage; cashiers then sign in with their PIN.
 */
export function SetupScreen({ onCancel }: { onCancel?: () => void }) {
  const [step, setStep] = useState<Step>('login')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [stores, setStores] = useState<StoreView[]>([])
  const [terminals, setTerminals] = useState<TerminalView[]>([])
  const [storeId, setStoreId] = useState<string | null>(null)
  const [terminalId, setTerminalId] = useState<string | null>(null)
  const [idle, setIdle] = useState('3')
  const [adding, setAdding] = useState(false)
  const [newCode, setNewCode] = useState('')
  const [newName, setNewName] = useState('')

  async function signIn(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.post('/auth/login', { email, password }, { quiet401: true })
      const me = await api.get<{ role: string }>('/auth/me')
      if (me.role === 'cashier') throw new Error('A manager or the owner sets up a terminal.')
      const [s, t] = await Promise.all([api.get<Page<StoreView>>('/stores'), api.get<Page<TerminalView>>('/terminals')])
      setStores(s.items)
      setTerminals(t.items.filter((x) => x.code !== 'WEB'))
      if (s.items.length === 1) setStoreId(s.items[0].id)
      setStep('pick')
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  async function addTerminal(e: FormEvent) {
    e.preventDefault()
    if (!storeId) return
    setBusy(true)
    setError(null)
    try {
      const t = await api.post<{ id: string; code: string; name: string; storeId: string }>('/terminals', { storeId, code: newCode.trim().toUpperCase(), name: newName.trim() })
      const store = stores.find((s) => s.id === storeId)!
      setTerminals((xs) => [...xs, { ...t, storeCode: store.code }])
      setTerminalId(t.id)
      setAdding(false)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  async function finish() {
    const t = terminals.find((x) => x.id === terminalId)
    const s = stores.find((x) => x.id === storeId)
    if (!t || !s) return
    const config: TerminalConfig = {
      terminalId: t.id,
      terminalCode: t.code,
      terminalName: t.name,
      storeId: s.id,
      storeCode: s.code,
      storeName: s.name,
      idleLockMinutes: Number(idle),
      registeredAt: new Date().toISOString(),
    }
    setBusy(true)
    // The manager's session ends here: cashiers sign in with their PIN on this terminal.
    await api.post('/auth/logout', {}, { quiet401: true }).catch(() => {})
    const previous = terminal.get()
    if (previous && previous.storeId !== s.id) {
      reference.set(null)
      await catalog.reset()
    }
    session.set({ staff: null, locked: false })
    terminal.set(config)
  }

  const storeTerminals = terminals.filter((t) => t.storeId === storeId)
  return (
    <div className="setup">
      <div className="setup__panel">
        <Brand />
        {step === 'login' ? (
          <form className="setup__card" onSubmit={signIn}>
            <h1 className="setup__title">Set up this register</h1>
            <p className="setup__lead">A manager signs in once to make this browser a till of a store. After that, cashiers sign in with their PIN.</p>
            <Input label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required size="lg" autoFocus />
            <Input label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required size="lg" error={error} />
            <Button type="submit" variant="primary" size="lg" block busy={busy}>
              Sign in as manager
            </Button>
            {onCancel ? (
              <Button variant="ghost" block onClick={onCancel}>
                Back to the PIN pad
              </Button>
            ) : null}
          </form>
        ) : (
          <div className="setup__card setup__card--wide">
            <h1 className="setup__title">Which till is this?</h1>
            <p className="setup__lead">Pick the store and the terminal this browser will be. Receipts are numbered per terminal.</p>
            <div className="setup__section">
              <h2 className="section-title">Store</h2>
              <div className="choice-grid">
                {stores.map((s) => (
                  <button key={s.id} type="button" className={cx('choice', storeId === s.id && 'is-selected')} onClick={() => { setStoreId(s.id); setTerminalId(null) }} aria-pressed={storeId === s.id}>
                    <span className="choice__icon"><IconStore /></span>
                    <span className="choice__text">
                      <strong>{s.name}</strong>
                      <small>{s.code} · {s.currency} · prices {s.taxMode === 'inclusive' ? 'incl.' : 'excl.'} tax</small>
                    </span>
                    {storeId === s.id ? <IconCheck /> : null}
                  </button>
                ))}
              </div>
            </div>
            {storeId ? (
              <div className="setup__section">
                <h2 className="section-title">Terminal</h2>
                <div className="choice-grid">
                  {storeTerminals.map((t) => (
                    <button key={t.id} type="button" className={cx('choice', terminalId === t.id && 'is-selected')} onClick={() => setTerminalId(t.id)} aria-pressed={terminalId === t.id}>
                      <span className="choice__code">{t.code}</span>
                      <span className="choice__text">
                        <strong>{t.name}</strong>
                        <small>{t.storeCode}-{t.code}</small>
                      </span>
                      {terminalId === t.id ? <IconCheck /> : null}
                    </button>
                  ))}
                  {adding ? (
                    <form className="choice choice--form" onSubmit={addTerminal}>
                      <Input label="Code" value={newCode} onChange={(e) => setNewCode(e.target.value)} maxLength={10} required wrapClassName="choice__code-input" autoFocus />
                      <Input label="Name" value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={60} required placeholder="Till 3" />
                      <Button type="submit" variant="primary" busy={busy}>Add</Button>
                    </form>
                  ) : (
                    <button type="button" className="choice choice--add" onClick={() => setAdding(true)}>
                      <span className="choice__icon"><IconPlus /></span>
                      <span className="choice__text"><strong>Register a new terminal</strong><small>For another till in this store</small></span>
                    </button>
                  )}
                </div>
              </div>
            ) : null}
            <div className="setup__section">
              <h2 className="section-title">Lock when idle</h2>
              <Segmented label="Lock when idle after" value={idle} onChange={setIdle} options={IDLE_CHOICES} />
            </div>
            {error ? <p className="form-error" role="alert">{error}</p> : null}
            <Button variant="primary" size="lg" block disabled={!terminalId} busy={busy} onClick={finish}>
              Use this browser as {terminals.find((t) => t.id === terminalId)?.name ?? 'a terminal'}
            </Button>
          </div>
        )}
      </div>
    </div>
  )
}
