import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { percent, refundLines, refundTenders, roundRefundCash, settleTenders, summarizeRefund, type PricedSale, type TenderInput, type TenderKind } from '@patron/core'
import { api, errorMessage } from '../../api/client'
import type { Page, RefundView, SaleView } from '../../api/types'
import { Button, Badge, EmptyState, Input, Stepper, Segmented, IconReturn, IconSearch, IconScan, IconStar, IconGift, IconCheck, IconChevronLeft, IconChevronRight, IconLock, IconReceipt, beep, cx } from '../../ui'
import { quantityText, tenderLabel, useFormat } from '../format'
import { pricingOf, reference } from '../state/reference'
import { drawer, isApiError, refreshDrawer } from '../state/session'
import { useStore } from '../state/store'
import { uuid } from '../state/storage'
import { NoReceiptReturn } from '../components/NoReceiptReturn'
import { ReasonChips } from '../components/ReasonChips'

interface Pick {
  quantity: number
  restock: boolean
}

const REASONS = ['Changed mind', 'Faulty', 'Wrong item', 'Damaged in transit']

/**
 * Returns: scan or type the receipt number, pick lines and quantities, restock or damaged,
 * refund to the original tenders (the split is previewed with @patron/core's refund math),
 * and see the points the refund takes back.
 */
export function ReturnsView({ onClose }: { onClose: () => void }) {
  const ref = useStore(reference)!
  const openSession = useStore(drawer, (d) => d.open)
  const f = useFormat()
  const [receiptNo, setReceiptNo] = useState('')
  const [sale, setSale] = useState<SaleView | null>(null)
  const [earlier, setEarlier] = useState<RefundView[]>([])
  const [picks, setPicks] = useState<Record<number, Pick>>({})
  const [reason, setReason] = useState<string>('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<RefundView | null>(null)
  const [noReceipt, setNoReceipt] = useState(0)
  const [recent, setRecent] = useState<{ id: string; receiptNo: string; totalMinor: number; soldAt: string; pointsEarned: number; status: string }[]>([])
  const refundId = useRef(uuid())
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!openSession) return
    api
      .get<Page<{ id: string; receiptNo: string; totalMinor: number; soldAt: string; pointsEarned: number; status: string }>>(`/sales?cashSessionId=${openSession.id}&limit=6`)
      .then((p) => setRecent(p.items))
      .catch(() => {})
  }, [openSession, done])

  async function load(no: string) {
    const text = no.trim().toUpperCase()
    if (!text) return
    setBusy(true)
    setError(null)
    try {
      const list = await api.get<Page<{ id: string }>>(`/sales?receiptNo=${encodeURIComponent(text)}&limit=1`)
      if (!list.items[0]) {
        beep('error')
        setError(`No sale with receipt number ${text}`)
        return
      }
      await open(list.items[0].id)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  async function open(id: string) {
    setNoReceipt(0)
    const [s, r] = await Promise.all([api.get<SaleView>(`/sales/${id}`), api.get<Page<RefundView>>(`/sales/${id}/refunds`)])
    setSale(s)
    setEarlier(r.items)
    setPicks({})
    setDone(null)
    setReceiptNo(s.receiptNo)
    refundId.current = uuid()
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    void load(receiptNo)
  }

  const chosen = sale ? sale.lines.filter((l) => (picks[l.lineNo]?.quantity ?? 0) > 0) : []

  const preview = useMemo(() => {
    if (!sale || chosen.length === 0) return null
    try {
      const pricing = pricingOf(ref)
      // The sale as core's refund math needs it. Per-line tax is one amount here (the API keeps
      // the per-rate split of a line to itself): exact for lines with one rate, as in most shops.
      const pricedSale = {
        taxMode: sale.taxMode,
        lines: sale.lines.map((l) => ({
          index: l.lineNo - 1,
          productId: l.productId,
          categoryId: null,
          name: l.name,
          quantity: l.quantity,
          unitPriceMinor: l.unitPriceMinor,
          weighed: l.weighed,
          taxClassId: '',
          nonEarning: false,
          grossMinor: l.grossMinor,
          lineDiscountMinor: l.lineDiscountMinor,
          cartDiscountMinor: l.cartDiscountMinor,
          rewardDiscountMinor: l.rewardDiscountMinor,
          netMinor: l.netMinor,
          taxMinor: l.taxMinor,
          taxes: l.taxMinor ? [{ rateId: 'tax', name: 'Tax', rate: percent('0'), baseMinor: l.netMinor - l.taxMinor, taxMinor: l.taxMinor }] : [],
          totalMinor: l.totalMinor,
          eligibleMinor: l.eligibleMinor,
        })),
      } as unknown as PricedSale
      const already = new Map(sale.lines.map((l) => [l.lineNo - 1, l.returnedQuantity]))
      const lines = refundLines(pricedSale, already, chosen.map((l) => ({ lineIndex: l.lineNo - 1, quantity: picks[l.lineNo].quantity })))
      const summary = summarizeRefund(lines)
      const tendered: TenderInput[] = sale.tenders.map((t) => ({ kind: t.kind as TenderKind, amountMinor: t.amountMinor, reference: t.reference, ...(t.points !== null ? { points: t.points } : {}) }))
      const paid = settleTenders(pricing, sale.totals.totalMinor, tendered).paidTenders
      const byKind: Partial<Record<TenderKind, number>> = {}
      for (const r of earlier) for (const t of r.tenders) byKind[t.kind as TenderKind] = (byKind[t.kind as TenderKind] ?? 0) + t.amountMinor
      const rounded = roundRefundCash(pricing, refundTenders(paid, summary.totalMinor, byKind))
      return { totalMinor: rounded.amountMinor, taxMinor: summary.taxMinor, tenders: rounded.tenders, roundingMinor: rounded.roundingMinor }
    } catch (e) {
      return { error: errorMessage(e) }
    }
  }, [sale, picks, earlier, ref, chosen.length]) // chosen is derived from sale and picks

  async function refund() {
    if (!sale || chosen.length === 0) return
    setBusy(true)
    setError(null)
    try {
      const r = await api.post<RefundView>(`/sales/${sale.id}/refunds`, {
        id: refundId.current,
        lines: chosen.map((l) => ({ lineNo: l.lineNo, quantity: picks[l.lineNo].quantity, restock: picks[l.lineNo].restock })),
        reason: reason || null,
      })
      setDone(r)
      void refreshDrawer().catch(() => {})
    } catch (e) {
      beep('error')
      if (isApiError(e, 'CASH_SESSION_REQUIRED')) setError('Cash back needs an open cash drawer: open it under Drawer first.')
      else setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  function reset() {
    setSale(null)
    setDone(null)
    setPicks({})
    setReceiptNo('')
    setReason('')
    setError(null)
    window.setTimeout(() => input.current?.focus(), 0)
  }

  if (done && sale) {
    const rewardPoints = done.rewardsRestored.reduce((sum, r) => sum + r.points, 0)
    return (
      <div className="returns returns--done">
        <div className="refund-done">
          <span className="done__check"><IconCheck size={28} /></span>
          <h1>Refund complete</h1>
          <p className="muted">Receipt {done.receiptNo}</p>
          <div className="change">
            <span className="change__label">Give back</span>
            <strong className="change__amount num" data-testid="refund-total" data-minor={done.totalMinor}>{f.money(done.totalMinor)}</strong>
          </div>
          <dl className="done__facts">
            {done.tenders.map((t, i) => (
              <div key={i}>
                <dt>To {tenderLabel(t.kind).toLowerCase()}</dt>
                <dd className="num">{f.money(t.amountMinor)}</dd>
              </div>
            ))}
            {done.roundingMinor ? (
              <div>
                <dt>Cash rounding</dt>
                <dd className="num">{f.money(done.roundingMinor)}</dd>
              </div>
            ) : null}
            <div>
              <dt>Items</dt>
              <dd>{done.lines.map((l) => `${l.quantity} × ${sale.lines.find((x) => x.lineNo === l.lineNo)?.name}${l.restock ? '' : ' (damaged)'}`).join(', ')}</dd>
            </div>
          </dl>
          {sale.loyalty ? (
            <div className="done__points done__points--minus">
              <IconStar />
              <div>
                <strong data-testid="points-clawed-back" data-points={done.pointsClawedBack}>
                  −{f.points(done.pointsClawedBack)} {sale.loyalty.pointsName} taken back
                </strong>
                {done.balanceAfter !== null ? <span className="muted"> · new balance {f.points(done.balanceAfter)}</span> : null}
                <div className="small muted">The points the returned items earned on {sale.receiptNo}{done.pointsReturned > rewardPoints ? `; ${f.points(done.pointsReturned - rewardPoints)} ${sale.loyalty.pointsName} paid with given back` : ''}.</div>
              </div>
            </div>
          ) : null}
          {done.rewardsRestored.length > 0 && sale.loyalty ? (
            <ul className="done__restored" aria-label="Rewards given back">
              {done.rewardsRestored.map((r) => (
                <li key={r.rewardId} className="done__points done__points--plus" data-testid="reward-restored" data-points={r.points}>
                  <IconGift />
                  <div>
                    <strong>{r.name}: +{f.points(r.points)} {sale.loyalty!.pointsName} given back</strong>
                    <div className="small muted">Its item came back, so the member can use the reward again.</div>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="refund-done__actions">
            <Button size="lg" onClick={reset}>Another return</Button>
            <Button variant="primary" size="lg" onClick={onClose}>Back to selling</Button>
          </div>
        </div>
      </div>
    )
  }

  return (
    <div className="returns">
      <section className="returns__find" aria-label="Find the sale">
        <div className="view-head">
          <h1><IconReturn /> Returns</h1>
          <p className="muted">Scan the barcode on the receipt or type its number.</p>
        </div>
        <form onSubmit={submit} className="returns__form">
          <Input
            ref={input}
            size="lg"
            value={receiptNo}
            onChange={(e) => setReceiptNo(e.target.value)}
            placeholder="e.g. CAF-01-000123"
            aria-label="Receipt number"
            leading={<IconScan />}
            autoFocus
            autoComplete="off"
            spellCheck={false}
          />
          <Button type="submit" variant="primary" size="lg" icon={<IconSearch size={18} />} busy={busy && !sale}>
            Find
          </Button>
        </form>
        {error && !sale ? <p className="form-error" role="alert">{error}</p> : null}
        <button type="button" className={cx('no-receipt__open', noReceipt > 0 && 'is-selected')} onClick={() => { setSale(null); setDone(null); setError(null); setNoReceipt((n) => n + 1) }}>
          <IconLock size={18} />
          <span>
            <strong>No receipt?</strong>
            <small className="muted">Return at today’s price, with a manager’s approval</small>
          </span>
          <IconChevronRight size={18} />
        </button>
        {recent.length > 0 ? (
          <div className="recent">
            <h2 className="section-title">This drawer’s recent sales</h2>
            <ul className="recent__list">
              {recent.map((s) => (
                <li key={s.id}>
                  <button type="button" className={cx('recent__item', sale?.id === s.id && 'is-selected')} onClick={() => void open(s.id).catch((e) => setError(errorMessage(e)))}>
                    <IconReceipt size={18} />
                    <span className="recent__no">{s.receiptNo}</span>
                    <span className="muted">{f.dateTime(s.soldAt)}</span>
                    <span className="num recent__total">{f.money(s.totalMinor)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section className="returns__sale" aria-label={noReceipt ? 'Return without a receipt' : 'Sale to refund'}>
        {noReceipt ? (
          <NoReceiptReturn key={noReceipt} onDone={() => setNoReceipt(0)} />
        ) : !sale ? (
          <EmptyState icon={<IconReceipt />} title="No sale picked yet">
            The sale’s lines appear here; choose what comes back and whether it can be sold again.
          </EmptyState>
        ) : (
          <>
            <header className="returns__head">
              <div>
                <h2>{sale.receiptNo}</h2>
                <p className="muted">
                  {f.dateTime(sale.soldAt)} · paid {f.money(sale.totals.amountDueMinor)} by {sale.tenders.map((t) => tenderLabel(t.kind).toLowerCase()).join(' + ')}
                  {sale.loyalty ? ` · earned ${f.points(sale.loyalty.pointsEarned)} ${sale.loyalty.pointsName}` : ''}
                </p>
              </div>
              <Button variant="ghost" size="sm" icon={<IconChevronLeft size={16} />} onClick={reset}>
                Another sale
              </Button>
            </header>
            {sale.status === 'voided' ? <p className="form-error">This sale was voided; there is nothing to refund.</p> : null}
            <div className="return-lines" role="list">
              {sale.lines.map((l) => {
                const left = l.quantity - l.returnedQuantity
                const pick = picks[l.lineNo] ?? { quantity: 0, restock: true }
                const set = (p: Partial<Pick>) => setPicks((xs) => ({ ...xs, [l.lineNo]: { ...pick, ...p } }))
                return (
                  <div key={l.lineNo} role="listitem" className={cx('return-line', pick.quantity > 0 && 'is-picked', left === 0 && 'is-done')}>
                    <div className="return-line__text">
                      <strong>{l.name}</strong>
                      <small className="muted">
                        {quantityText(l.quantity, l.weighed)} sold · {f.money(l.totalMinor)}
                        {l.returnedQuantity ? ` · ${quantityText(l.returnedQuantity, l.weighed)} already returned` : ''}
                      </small>
                    </div>
                    {left === 0 ? (
                      <Badge>All returned</Badge>
                    ) : l.weighed ? (
                      <Button size="sm" variant={pick.quantity ? 'primary' : 'subtle'} onClick={() => set({ quantity: pick.quantity ? 0 : left })}>
                        {pick.quantity ? 'Returning all' : 'Return'}
                      </Button>
                    ) : (
                      <Stepper label={`${l.name} to return`} value={pick.quantity} onChange={(q) => set({ quantity: q })} min={0} max={left} format={(v) => `${v}/${left}`} />
                    )}
                    {pick.quantity > 0 ? (
                      <Segmented
                        label={`${l.name} condition`}
                        value={pick.restock ? 'restock' : 'damaged'}
                        onChange={(v) => set({ restock: v === 'restock' })}
                        options={[
                          { value: 'restock', label: 'Restock' },
                          { value: 'damaged', label: 'Damaged' },
                        ]}
                      />
                    ) : (
                      <span />
                    )}
                  </div>
                )
              })}
            </div>
            <ReasonChips title="Reason" reasons={REASONS} value={reason} onChange={setReason} />
            <footer className="returns__foot">
              {preview && 'error' in preview ? <p className="form-error">{preview.error}</p> : null}
              {preview && !('error' in preview) ? (
                <dl className="returns__preview">
                  {preview.tenders.map((t, i) => (
                    <div key={i}>
                      <dt>To {tenderLabel(t.kind).toLowerCase()}</dt>
                      <dd className="num">{f.money(t.amountMinor)}</dd>
                    </div>
                  ))}
                  {sale.loyalty ? (
                    <div className="muted">
                      <dt>{sale.loyalty.pointsName}</dt>
                      <dd>what the returned items earned is taken back</dd>
                    </div>
                  ) : null}
                </dl>
              ) : (
                <p className="muted">Choose the quantities coming back.</p>
              )}
              {error ? <p className="form-error" role="alert">{error}</p> : null}
              <Button variant="primary" size="xl" block disabled={!preview || 'error' in preview || busy || sale.status === 'voided'} busy={busy} onClick={() => void refund()} data-minor={preview && !('error' in preview) ? preview.totalMinor : undefined}>
                {preview && !('error' in preview) ? `Refund ${f.money(preview.totalMinor)}` : 'Refund'}
              </Button>
            </footer>
          </>
        )}
      </section>
    </div>
  )
}
