import { useEffect, useState } from 'react'
import { useOnChange } from '../hooks/useOnChange'
import { api, errorMessage } from '../../api/client'
import type { CashReport } from '../../api/types'
import { Button, Dialog, Input, Segmented, Spinner, IconDrawer, IconPlus, IconMinus, IconReceipt, IconPrint, useToast, cx } from '../../ui'
import { AmountPad } from '../components/AmountPad'
import { denominations, tenderLabel, useFormat, type Formatter } from '../format'
import { drawer, refreshDrawer, session, terminal } from '../state/session'
import { useStore } from '../state/store'

type Counts = Record<number, number>

/**
 * The cash drawer: open with a float (by denomination or one total), cash in and out with a
 * reason, the X report at any time, and closing with a blind count (the expected amount is not
 * shown until the count is in), then the Z report with over/short.
 */
export function DrawerView({ onClose }: { onClose: () => void }) {
  const state = useStore(drawer)
  const [z, setZ] = useState<CashReport | null>(null)
  const [closing, setClosing] = useState(false)

  useEffect(() => {
    refreshDrawer().catch(() => {})
  }, [])

  if (z) return <ZReport report={z} onDone={() => setZ(null)} onSell={onClose} />
  if (!state.checked) return <div className="splash"><Spinner /></div>
  if (!state.open) return <OpenDrawer onOpened={onClose} />
  if (closing) return <CloseDrawer sessionId={state.open.id} onCancel={() => setClosing(false)} onClosed={(r) => { setClosing(false); setZ(r) }} />
  return <OpenSession sessionId={state.open.id} onClose={() => setClosing(true)} onSell={onClose} />
}

function CountInput({ mode, setMode, counts, setCounts, total, setTotal, f, label }: { mode: 'denominations' | 'total'; setMode: (m: 'denominations' | 'total') => void; counts: Counts; setCounts: (c: Counts) => void; total: string; setTotal: (t: string) => void; f: Formatter; label: string }) {
  const d = denominations(f.currency.code)
  const has = d.notes.length > 0
  const row = (v: number) => (
    <div key={v} className="denom">
      <span className="denom__value">{f.money(v)}</span>
      <div className="denom__count">
        <button type="button" onClick={() => setCounts({ ...counts, [v]: Math.max(0, (counts[v] ?? 0) - 1) })} aria-label={`One less ${f.money(v)}`}>
          <IconMinus size={16} />
        </button>
        <input inputMode="numeric" aria-label={`Number of ${f.money(v)}`} value={counts[v] ? String(counts[v]) : ''} placeholder="0" onChange={(e) => setCounts({ ...counts, [v]: Math.max(0, Math.min(100000, Number(e.target.value.replace(/\D/g, '')) || 0)) })} />
        <button type="button" onClick={() => setCounts({ ...counts, [v]: (counts[v] ?? 0) + 1 })} aria-label={`One more ${f.money(v)}`}>
          <IconPlus size={16} />
        </button>
      </div>
      <span className="denom__sum num">{counts[v] ? f.money(v * counts[v]) : ''}</span>
    </div>
  )
  return (
    <div className="count">
      {has ? <Segmented label={label} value={mode} onChange={setMode} options={[{ value: 'denominations', label: 'Count by note and coin' }, { value: 'total', label: 'Enter the total' }]} /> : null}
      {mode === 'denominations' && has ? (
        <div className="denoms">
          <div className="denoms__col">
            <h3 className="section-title">Notes</h3>
            {d.notes.map(row)}
          </div>
          <div className="denoms__col">
            <h3 className="section-title">Coins</h3>
            {d.coins.map(row)}
          </div>
        </div>
      ) : (
        <div className="count__total">
          <AmountPad label={label} value={total} onChange={setTotal} prefix={f.currency.code} />
        </div>
      )}
    </div>
  )
}

function countBody(mode: 'denominations' | 'total', counts: Counts, total: string, f: Formatter) {
  if (mode === 'denominations' && denominations(f.currency.code).notes.length > 0) {
    const list = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => ({ valueMinor: Number(v), count: n }))
    return { body: { denominations: list }, amountMinor: list.reduce((s, x) => s + x.valueMinor * x.count, 0) }
  }
  const m = f.parseMajor(total || '0')
  return { body: { amountMinor: Number.isFinite(m) ? m : 0 }, amountMinor: Number.isFinite(m) ? m : NaN }
}

function OpenDrawer({ onOpened }: { onOpened: () => void }) {
  const f = useFormat()
  const toast = useToast()
  const t = useStore(terminal)!
  const [mode, setMode] = useState<'denominations' | 'total'>('denominations')
  const [counts, setCounts] = useState<Counts>({})
  const [total, setTotal] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const { body, amountMinor } = countBody(mode, counts, total, f)

  async function open() {
    if (!Number.isFinite(amountMinor)) return setError('Enter the float, e.g. 150.00')
    setBusy(true)
    setError(null)
    try {
      await api.post('/cash-sessions', { terminalId: t.terminalId, ...body })
      await refreshDrawer()
      toast.show({ kind: 'success', title: 'Drawer open', message: `Float ${f.money(amountMinor)}` })
      onOpened()
    } catch (e) {
      if ((e as { code?: string }).code === 'CASH_SESSION_ALREADY_OPEN') {
        await refreshDrawer().catch(() => {})
        onOpened()
      } else setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="drawer-view">
      <div className="drawer-card">
        <div className="view-head">
          <h1><IconDrawer /> Open the cash drawer</h1>
          <p className="muted">Count the float in the drawer of {t.terminalName}. Selling starts when the drawer is open.</p>
        </div>
        <CountInput label="Opening float" mode={mode} setMode={setMode} counts={counts} setCounts={setCounts} total={total} setTotal={setTotal} f={f} />
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <div className="drawer-card__foot">
          <div className="drawer-card__sum">
            <span className="muted">Float</span>
            <strong className="num" data-testid="float-total">{Number.isFinite(amountMinor) ? f.money(amountMinor) : '—'}</strong>
          </div>
          <Button variant="primary" size="xl" onClick={() => void open()} busy={busy}>
            Open drawer
          </Button>
        </div>
      </div>
    </div>
  )
}

function OpenSession({ sessionId, onClose, onSell }: { sessionId: string; onClose: () => void; onSell: () => void }) {
  const f = useFormat()
  const [report, setReport] = useState<CashReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [movement, setMovement] = useState<'in' | 'out' | null>(null)
  const load = () =>
    api
      .get<CashReport>(`/cash-sessions/${sessionId}/x-report`)
      .then(setReport)
      .catch((e) => setError(errorMessage(e)))
  useEffect(() => {
    void load()
  }, [sessionId]) // load is rebuilt every render; the session id is what matters

  return (
    <div className="drawer-view drawer-view--open">
      <section className="drawer-side">
        <div className="view-head">
          <h1><IconDrawer /> Cash drawer</h1>
          <p className="muted">{report ? `Open since ${f.time(report.openedAt)} · float ${f.money(report.openingFloatMinor)}` : 'Loading…'}</p>
        </div>
        <div className="drawer-actions">
          <Button size="lg" icon={<IconPlus />} onClick={() => setMovement('in')}>Cash in</Button>
          <Button size="lg" icon={<IconMinus />} onClick={() => setMovement('out')}>Cash out</Button>
          <Button size="lg" icon={<IconReceipt />} onClick={() => void load()}>Refresh X report</Button>
          <Button size="lg" variant="primary" onClick={onClose}>Close the drawer…</Button>
        </div>
        <Button variant="ghost" onClick={onSell}>Back to selling</Button>
      </section>
      <section className="drawer-report" aria-label="X report">
        {error ? <p className="form-error">{error}</p> : report ? <ReportBody report={report} title="X report" subtitle="The session so far (it stays open)" /> : <Spinner />}
      </section>
      <MovementDialog kind={movement} sessionId={sessionId} onClose={() => setMovement(null)} onDone={() => { setMovement(null); void load() }} />
    </div>
  )
}

const IN_REASONS = ['Change from the bank', 'Float top-up']
const OUT_REASONS = ['Bank deposit', 'Supplier paid in cash', 'Tips paid out', 'Petty cash']

function MovementDialog({ kind, sessionId, onClose, onDone }: { kind: 'in' | 'out' | null; sessionId: string; onClose: () => void; onDone: () => void }) {
  const f = useFormat()
  const toast = useToast()
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useOnChange(kind, () => {
    setAmount('')
    setReason('')
    setError(null)
  })
  async function save() {
    const m = f.parseMajor(amount)
    if (!Number.isFinite(m) || m <= 0) return setError('Enter an amount')
    if (!reason.trim()) return setError('Give a reason: it is on the Z report')
    setBusy(true)
    try {
      await api.post(`/cash-sessions/${sessionId}/movements`, { kind, amountMinor: m, reason: reason.trim() })
      toast.show({ kind: 'success', title: `${kind === 'in' ? 'Cash in' : 'Cash out'} ${f.money(m)} recorded` })
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog open={kind !== null} onClose={onClose} title={kind === 'in' ? 'Cash into the drawer' : 'Cash out of the drawer'} size="sm" footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" busy={busy} onClick={() => void save()}>Record</Button></>}>
      <div className="line-dialog">
        <AmountPad label="Amount" value={amount} onChange={setAmount} prefix={f.currency.code} error={error} />
        <div className="quick-row">
          {(kind === 'in' ? IN_REASONS : OUT_REASONS).map((r) => (
            <button key={r} type="button" className={cx('chip', reason === r && 'is-active')} onClick={() => setReason(r)}>{r}</button>
          ))}
        </div>
        <Input label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} placeholder="Why the cash moves" />
      </div>
    </Dialog>
  )
}

function CloseDrawer({ sessionId, onCancel, onClosed }: { sessionId: string; onCancel: () => void; onClosed: (r: CashReport) => void }) {
  const f = useFormat()
  const [mode, setMode] = useState<'denominations' | 'total'>('denominations')
  const [counts, setCounts] = useState<Counts>({})
  const [total, setTotal] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [confirm, setConfirm] = useState(false)
  const { body, amountMinor } = countBody(mode, counts, total, f)
  async function close() {
    setBusy(true)
    setError(null)
    try {
      const z = await api.post<CashReport>(`/cash-sessions/${sessionId}/close`, body)
      await refreshDrawer().catch(() => {})
      onClosed(z)
    } catch (e) {
      setError(errorMessage(e))
      setConfirm(false)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="drawer-view">
      <div className="drawer-card">
        <div className="view-head">
          <h1><IconDrawer /> Close the drawer: count the cash</h1>
          <p className="muted">A blind count: count everything in the drawer, including the float. The expected amount is shown after the count.</p>
        </div>
        <CountInput label="Counted cash" mode={mode} setMode={setMode} counts={counts} setCounts={setCounts} total={total} setTotal={setTotal} f={f} />
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <div className="drawer-card__foot">
          <Button variant="ghost" onClick={onCancel}>Cancel</Button>
          <div className="drawer-card__sum">
            <span className="muted">Counted</span>
            <strong className="num" data-testid="counted-total">{Number.isFinite(amountMinor) ? f.money(amountMinor) : '—'}</strong>
          </div>
          <Button variant="primary" size="xl" onClick={() => setConfirm(true)} disabled={!Number.isFinite(amountMinor)}>
            Close and see the Z report
          </Button>
        </div>
      </div>
      <Dialog open={confirm} onClose={() => setConfirm(false)} title="Close the drawer?" size="sm" footer={<><Button onClick={() => setConfirm(false)}>Count again</Button><Button variant="primary" busy={busy} onClick={() => void close()} data-autofocus>Close drawer</Button></>}>
        <p>
          You counted <strong className="num">{f.money(amountMinor)}</strong>. After closing, this session’s figures are final (Z report) and selling needs a new float.
        </p>
      </Dialog>
    </div>
  )
}

function ZReport({ report, onDone, onSell }: { report: CashReport; onDone: () => void; onSell: () => void }) {
  const f = useFormat()
  const over = report.overShortMinor ?? 0
  return (
    <div className="drawer-view drawer-view--z">
      <section className="drawer-side">
        <div className="view-head">
          <h1><IconDrawer /> Drawer closed</h1>
          <p className="muted">The Z report is final. Open a new session to sell again.</p>
        </div>
        <div className={cx('overshort', over === 0 ? 'is-exact' : over > 0 ? 'is-over' : 'is-short')} data-testid="over-short" data-minor={over}>
          <span>{over === 0 ? 'Exact' : over > 0 ? 'Over' : 'Short'}</span>
          <strong className="num">{over === 0 ? f.money(0) : `${over > 0 ? '+' : '−'}${f.money(Math.abs(over))}`}</strong>
          <small>
            counted {f.money(report.countedMinor ?? 0)} · expected {f.money(report.cash.expectedMinor)}
          </small>
        </div>
        <div className="drawer-actions">
          <Button size="lg" icon={<IconPrint />} onClick={() => window.print()}>Print</Button>
          <Button size="lg" variant="primary" onClick={onDone}>Open a new session</Button>
        </div>
        <Button variant="ghost" onClick={onSell}>Back to selling</Button>
      </section>
      <section className="drawer-report" aria-label="Z report">
        <ReportBody report={report} title="Z report" subtitle={`${f.dateTime(report.openedAt)} – ${report.closedAt ? f.dateTime(report.closedAt) : ''}`} />
      </section>
    </div>
  )
}

function ReportBody({ report, title, subtitle }: { report: CashReport; title: string; subtitle: string }) {
  const f = useFormat()
  const staff = useStore(session, (s) => s.staff)
  const t = useStore(terminal)
  return (
    <article className="report" aria-label={title}>
      <header className="report__head">
        <div>
          <h2>{title}</h2>
          <p className="muted">{t?.storeName} · {t?.terminalName} · {subtitle}</p>
        </div>
        <span className="muted small">{staff?.name}</span>
      </header>
      <div className="report__stats">
        <div className="stat">
          <span>Sales</span>
          <strong className="num">{f.money(report.sales.totalMinor)}</strong>
          <small>{report.sales.count} {report.sales.count === 1 ? 'receipt' : 'receipts'}</small>
        </div>
        <div className="stat">
          <span>Refunds</span>
          <strong className="num">{f.money(report.refunds.totalMinor)}</strong>
          <small>{report.refunds.count} {report.refunds.count === 1 ? 'refund' : 'refunds'}</small>
        </div>
        <div className="stat">
          <span>Expected cash</span>
          <strong className="num" data-testid="expected-cash" data-minor={report.cash.expectedMinor}>{f.money(report.cash.expectedMinor)}</strong>
          <small>in the drawer</small>
        </div>
        <div className="stat stat--points">
          <span>Points</span>
          <strong className="num">+{f.points(report.points.issued)}</strong>
          <small data-testid="report-points-redeemed" data-points={report.points.redeemed}>{f.points(report.points.redeemed)} redeemed · {f.points(report.points.clawedBack)} clawed back</small>
        </div>
      </div>
      <div className="report__cols">
        <table className="report__table">
          <caption>Sales</caption>
          <tbody>
            <tr><th>Gross</th><td className="num">{f.money(report.sales.grossMinor)}</td></tr>
            <tr><th>Discounts</th><td className="num">{f.minus(report.sales.discountMinor) || f.money(0)}</td></tr>
            <tr><th>Tax</th><td className="num">{f.money(report.sales.taxMinor)}</td></tr>
            <tr><th>Cash rounding</th><td className="num">{f.money(report.sales.roundingMinor)}</td></tr>
            <tr className="total"><th>Total</th><td className="num">{f.money(report.sales.totalMinor)}</td></tr>
          </tbody>
        </table>
        <table className="report__table">
          <caption>Tenders</caption>
          <tbody>
            {report.tenders.length === 0 ? <tr><td colSpan={2} className="muted">No sales yet</td></tr> : null}
            {report.tenders.map((x) => (
              <tr key={x.kind}><th>{tenderLabel(x.kind)} <small className="muted">×{x.count}</small></th><td className="num">{f.money(x.amountMinor)}</td></tr>
            ))}
            {report.refundTenders.map((x) => (
              <tr key={`r-${x.kind}`}><th>Refunded {tenderLabel(x.kind).toLowerCase()}</th><td className="num">{f.minus(x.amountMinor)}</td></tr>
            ))}
          </tbody>
        </table>
        <table className="report__table">
          <caption>Tax by rate</caption>
          <tbody>
            {report.taxes.length === 0 ? <tr><td colSpan={2} className="muted">—</td></tr> : null}
            {report.taxes.map((x) => (
              <tr key={x.name + x.ratePercent}><th>{x.name} <small className="muted">on {f.money(x.baseMinor)}</small></th><td className="num">{f.money(x.taxMinor)}</td></tr>
            ))}
          </tbody>
        </table>
        <table className="report__table">
          <caption>Cash</caption>
          <tbody>
            <tr><th>Opening float</th><td className="num">{f.money(report.openingFloatMinor)}</td></tr>
            <tr><th>Cash sales (less change)</th><td className="num">{f.money(report.tenders.find((x) => x.kind === 'cash')?.amountMinor ?? 0)}</td></tr>
            <tr><th>Cash refunds</th><td className="num">{f.minus(report.refundTenders.find((x) => x.kind === 'cash')?.amountMinor ?? 0) || f.money(0)}</td></tr>
            <tr><th>Cash in</th><td className="num">{f.money(report.cash.inMinor)}</td></tr>
            <tr><th>Cash out</th><td className="num">{f.minus(report.cash.outMinor) || f.money(0)}</td></tr>
            <tr className="total"><th>Expected</th><td className="num">{f.money(report.cash.expectedMinor)}</td></tr>
            {report.countedMinor !== null ? <tr><th>Counted</th><td className="num">{f.money(report.countedMinor)}</td></tr> : null}
          </tbody>
        </table>
      </div>
      {report.cashMovements.length > 0 ? (
        <table className="report__table report__table--wide">
          <caption>Cash movements</caption>
          <tbody>
            {report.cashMovements.map((m) => (
              <tr key={m.id}><th>{f.time(m.createdAt)} · {m.reason}</th><td className="num">{m.kind === 'in' ? f.money(m.amountMinor) : f.minus(m.amountMinor)}</td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </article>
  )
}
