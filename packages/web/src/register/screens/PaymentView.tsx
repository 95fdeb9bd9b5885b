import { useMemo, useState } from 'react'
import { useOnChange } from '../hooks/useOnChange'
import { roundToIncrementMinor, settleTenders, isPatronError, type EarnResult, type SettledTenders, type TenderInput } from '@patron/core'
import type { SaleView } from '../../api/types'
import { Button, Input, Segmented, IconCash, IconCard, IconTag, IconX, IconChevronLeft, IconAlert, IconStar, useToast, cx, beep, Badge } from '../../ui'
import { AmountPad } from '../components/AmountPad'
import { useApproval } from '../components/approval'
import { denominations, tenderLabel, useFormat } from '../format'
import { useShortcuts } from '../hooks/useShortcuts'
import { catalog } from '../state/catalog'
import { minorForPoints, newCart, previewEarn, priceCart, quickCashAmounts, saleBody, tenderState, type Cart } from '../state/cart'
import { enqueue, sendNow } from '../state/outbox'
import { compiledRules, pricingOf, reference } from '../state/reference'
import { cart as cartStore, refreshDrawer, terminal } from '../state/session'
import { useStore } from '../state/store'

export interface Completed {
  /** The server's record of the sale; null while it waits in the outbound queue. */
  sale: SaleView | null
  saleId: string
  shownTotalMinor: number
  settled: SettledTenders
  cart: Cart
  earn: EarnResult | null
  pointsName: string
}

type Kind = 'cash' | 'card' | 'points' | 'other'
type OtherKind = 'gift_card' | 'store_credit' | 'other'

/** The tender screen: cash with quick amounts and change, card on the external terminal, split tenders. */
export function PaymentView({ onBack, onCompleted }: { onBack: () => void; onCompleted: (c: Completed) => void }) {
  const cart = useStore(cartStore)
  const ref = useStore(reference)!
  const t = useStore(terminal)!
  const f = useFormat()
  const toast = useToast()
  const approve = useApproval()
  const pricing = pricingOf(ref)
  const priced = useMemo(() => {
    try {
      return priceCart(pricing, cart, ref.program?.rules ?? null)
    } catch {
      return null
    }
  }, [pricing, cart, ref.program])
  const [tenders, setTenders] = useState<TenderInput[]>([])
  // Points paid are not earned on (the server's evaluateEarn takes pointsTenderMinor).
  const pointsTenderMinor = tenders.reduce((s, x) => (x.kind === 'points' ? s + x.amountMinor : s), 0)
  const earn = useMemo(() => previewEarn(compiledRules(ref.program), priced, cart.member, ref.store, undefined, pointsTenderMinor), [ref, priced, cart.member, pointsTenderMinor])
  const [kind, setKind] = useState<Kind>('cash')
  const [otherKind, setOtherKind] = useState<OtherKind>('gift_card')
  const [amount, setAmount] = useState('')
  const [cardRef, setCardRef] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const total = priced?.totalMinor ?? 0
  const st = tenderState(pricing, total, tenders)
  const nonCash = tenders.reduce((s, x) => (x.kind === 'cash' ? s : s + x.amountMinor), 0)
  const cashGiven = tenders.reduce((s, x) => (x.kind === 'cash' ? s + x.amountMinor : s), 0)
  // Exact cash: the cash part rounded to the store's increment, less the cash already taken.
  const exactCash = Math.max(0, roundToIncrementMinor(Math.max(0, total - nonCash), pricing.cashRoundingMinor) - cashGiven)
  // Cards and vouchers never go beyond what is due (only cash gives change).
  const nonCashMax = Math.max(0, total - nonCash - cashGiven)
  const notes = denominations(f.currency.code).notes
  // Notes up to 100: nobody pays a coffee with a 500 note, and five buttons is the most that reads at a glance.
  const quick = quickCashAmounts(exactCash, f.unitMinor, notes.filter((n) => n <= 100 * f.unitMinor).sort((a, b) => a - b))

  // Points as tender: the program's rate, the member's balance (after rewards reserved), whole points.
  const pointsPerUnit = cart.member ? ref.program?.rules.pointsTender?.pointsPerUnit ?? null : null
  const pointsName = ref.program?.rules.pointsName ?? 'points'
  const pointsUsed = tenders.reduce((s, x) => (x.kind === 'points' ? s + (x.points ?? 0) : s), 0)
  const pointsBalance = Math.max(0, (cart.member?.loyalty?.balance ?? 0) - pointsUsed)
  // The most points that pay for at most what is due, in whole points and whole minor units.
  const maxPoints = (() => {
    if (!pointsPerUnit) return 0
    let p = Math.min(pointsBalance, Math.floor((nonCashMax * pointsPerUnit) / f.unitMinor))
    while (p > 0 && minorForPoints(p, pointsPerUnit, f.unitMinor) === null) p--
    return p
  })()
  const typedPoints = /^\d+$/.test(amount.trim()) ? Number(amount.trim()) : NaN

  function takePoints(points: number) {
    if (!pointsPerUnit) return
    if (!Number.isInteger(points) || points <= 0) return setError(`Enter a number of ${pointsName}`)
    if (points > pointsBalance) return setError(`The member has ${f.points(pointsBalance)} ${pointsName}`)
    const m = minorForPoints(points, pointsPerUnit, f.unitMinor)
    if (m === null) return setError(`${pointsPerUnit} ${pointsName} = ${f.money(f.unitMinor)}: this many ${pointsName} is not a whole amount`)
    if (m > nonCashMax) return setError(`At most ${f.points(maxPoints)} ${pointsName} (${f.money(nonCashMax)} due)`)
    addTender({ kind: 'points', amountMinor: m, points })
  }

  useOnChange(kind, () => {
    setAmount('')
    setError(null)
  })

  useShortcuts({ Escape: () => !busy && onBack() }, true)

  if (!priced) {
    return (
      <div className="pay pay--empty">
        <Button onClick={onBack} icon={<IconChevronLeft />}>Back to the sale</Button>
      </div>
    )
  }

  async function submit(ts: TenderInput[], withCart: Cart = cartStore.get()) {
    setTenders(ts)
    setBusy(true)
    setError(null)
    let settled: SettledTenders
    try {
      settled = settleTenders(pricing, total, ts)
    } catch (e) {
      setBusy(false)
      setError(isPatronError(e) ? e.message : String(e))
      return
    }
    const body = saleBody(withCart, t.terminalId, ts, new Date().toISOString())
    enqueue({ id: withCart.id, kind: 'sale', path: '/sales', body, shownTotalMinor: total })
    const r = await sendNow(withCart.id)
    setBusy(false)
    if (r.status === 'rejected') {
      const e = r.error
      beep('error')
      if (e.code === 'PERMISSION_REQUIRED') {
        const a = await approve(e.message)
        if (a) {
          const next = { ...cartStore.get(), approval: a }
          cartStore.set(next)
          return submit(ts, next)
        }
        setError('A manager’s approval is needed for this sale.')
      } else if (e.code === 'CASH_SESSION_REQUIRED') {
        void refreshDrawer().catch(() => {})
        setError('The cash drawer is closed. Open it (Drawer) and take the payment again.')
      } else if (e.code === 'REWARD_RESERVATION_EXPIRED' || e.code === 'REWARD_NOT_APPLICABLE') {
        // The reward was released (timeout) or no longer fits: take it off and let the cashier decide.
        if (e.code === 'REWARD_RESERVATION_EXPIRED') cartStore.set({ ...cartStore.get(), rewards: [] })
        setError(`${e.message}. Go back to the sale to apply the reward again.`)
      } else if (e.code === 'TENDER_SHORT' || e.code === 'UNKNOWN_PRODUCT') {
        void catalog.refresh().catch(() => {})
        setError(`${e.message}. The catalogue has changed: go back to the sale and check it.`)
      } else setError(e.message)
      return
    }
    const sale = r.status === 'sent' ? (r.response as SaleView) : null
    if (sale && sale.totals.totalMinor !== total) {
      toast.show({ kind: 'warning', title: 'The server recorded a different total', message: `${f.money(sale.totals.totalMinor)} instead of ${f.money(total)}: prices changed since the catalogue was loaded.` })
      void catalog.refresh().catch(() => {})
    }
    const done: Completed = { sale, saleId: withCart.id, shownTotalMinor: total, settled, cart: withCart, earn, pointsName: ref.program?.rules.pointsName ?? 'points' }
    cartStore.set(newCart())
    onCompleted(done)
  }

  function addTender(x: TenderInput) {
    if (x.amountMinor <= 0) return
    const next = [...tenders, x]
    setAmount('')
    setCardRef('')
    if (tenderState(pricing, total, next).covered) void submit(next)
    else setTenders(next)
  }

  function takeTyped() {
    const m = f.parseMajor(amount)
    if (!Number.isFinite(m) || m <= 0) return setError('Enter an amount')
    if (kind !== 'cash' && m > nonCashMax) return setError(`At most ${f.money(nonCashMax)}: only cash can be more than is due`)
    addTender(kind === 'cash' ? { kind: 'cash', amountMinor: m } : { kind: kind === 'card' ? 'card' : otherKind, amountMinor: m, reference: cardRef.trim() || null })
  }

  const typed = f.parseMajor(amount)
  const nonCashAmount = Number.isFinite(typed) && typed > 0 ? typed : nonCashMax

  return (
    <div className="pay">
      <section className="pay__summary" aria-label="Payment summary">
        <Button variant="ghost" icon={<IconChevronLeft />} onClick={onBack} disabled={busy} className="pay__back">
          Back to the sale
        </Button>
        <div className="due">
          <span className="due__label">{st.covered ? 'Total' : tenders.length ? 'Still to pay' : 'Amount due'}</span>
          <strong className="due__amount num" data-testid="amount-due">
            {f.money(tenders.length ? st.remainingMinor : total)}
          </strong>
          {tenders.length ? <span className="due__of muted">of {f.money(st.amountDueMinor)}</span> : null}
        </div>
        <dl className="pay__facts">
          <div>
            <dt>Sale total</dt>
            <dd className="num" data-testid="sale-total" data-minor={total}>{f.money(total)}</dd>
          </div>
          {priced.rewardDiscountMinor > 0 ? (
            <div>
              <dt>Rewards</dt>
              <dd className="num">{f.minus(priced.rewardDiscountMinor)}</dd>
            </div>
          ) : null}
          {priced.taxSummary.map((x) => (
            <div key={x.rateId} className="muted">
              <dt>{pricing.taxMode === 'inclusive' ? `incl. ${x.name}` : x.name}</dt>
              <dd className="num">{f.money(x.taxMinor)}</dd>
            </div>
          ))}
          {st.roundingMinor !== 0 || (pricing.cashRoundingMinor > 1 && kind === 'cash') ? (
            <div>
              <dt>Cash rounding {pricing.cashRoundingMinor > 1 ? `(to ${f.money(pricing.cashRoundingMinor)})` : ''}</dt>
              <dd className="num">{st.roundingMinor > 0 ? '+' : st.roundingMinor < 0 ? '−' : ''}{f.money(Math.abs(st.roundingMinor))}</dd>
            </div>
          ) : null}
        </dl>
        {tenders.length ? (
          <ul className="tenders" aria-label="Tenders taken">
            {tenders.map((x, i) => (
              <li key={i} className="tenders__row">
                <span className="tenders__icon">{x.kind === 'cash' ? <IconCash /> : x.kind === 'card' ? <IconCard /> : x.kind === 'points' ? <IconStar /> : <IconTag />}</span>
                <span className="tenders__label">
                  {tenderLabel(x.kind)}
                  {x.kind === 'points' ? <small className="muted"> · {f.points(x.points ?? 0)} {pointsName}</small> : null}
                  {x.reference ? <small className="muted"> · {x.reference}</small> : null}
                </span>
                <span className="num">{f.money(x.amountMinor)}</span>
                <button type="button" className="tenders__remove" onClick={() => setTenders((xs) => xs.filter((_, j) => j !== i))} aria-label={`Remove ${tenderLabel(x.kind)} ${f.money(x.amountMinor)}`} disabled={busy}>
                  <IconX size={16} />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {cart.member ? (
          <div className="pay__member">
            <Badge tone="points"><span data-testid="pay-points-preview" data-points={earn?.total ?? 0}>+{f.points(earn?.total ?? 0)}</span> {ref.program?.rules.pointsName ?? 'points'}</Badge>
            <span>for {cart.member.customer.name ?? cart.member.customer.phone ?? 'the member'}</span>
          </div>
        ) : null}
        {error ? (
          <div className="pay__error" role="alert">
            <IconAlert /> <span>{error}</span>
          </div>
        ) : null}
        {busy ? <div className="pay__busy">Recording the sale…</div> : null}
      </section>

      <section className="pay__tender" aria-label="Take payment">
        <Segmented
          size="lg"
          label="Tender"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'cash', label: 'Cash', icon: <IconCash /> },
            { value: 'card', label: 'Card', icon: <IconCard /> },
            ...(pointsPerUnit ? [{ value: 'points' as const, label: 'Points', icon: <IconStar /> }] : []),
            { value: 'other', label: 'Other', icon: <IconTag /> },
          ]}
        />
        {kind === 'cash' ? (
          <div className="cash">
            <div className="quick-cash" role="group" aria-label="Quick cash amounts">
              <button type="button" className="quick-cash__btn quick-cash__btn--exact" onClick={() => addTender({ kind: 'cash', amountMinor: exactCash })} disabled={busy || exactCash <= 0}>
                <small>Exact</small>
                <strong className="num">{f.money(exactCash)}</strong>
              </button>
              {quick.map((q) => (
                <button key={q} type="button" className="quick-cash__btn" onClick={() => addTender({ kind: 'cash', amountMinor: q })} disabled={busy} data-minor={q}>
                  <strong className="num">{f.money(q)}</strong>
                  <small>change {f.money(q - exactCash)}</small>
                </button>
              ))}
            </div>
            <AmountPad label="Cash received" value={amount} onChange={(v) => { setAmount(v); setError(null) }} prefix={f.currency.code} onEnter={takeTyped} enterLabel={amount ? `Take ${Number.isFinite(typed) ? f.money(typed) : ''} cash` : 'Type the cash received'} enterDisabled={!amount || busy} hint={f.parseMajor(amount) > exactCash ? `Change ${f.money(f.parseMajor(amount) - exactCash)}` : undefined} />
          </div>
        ) : kind === 'card' ? (
          <div className="card-pay">
            <p className="card-pay__hint">Charge the amount on the card terminal. When it shows “approved”, confirm here.</p>
            <AmountPad label="Card amount" value={amount} onChange={(v) => { setAmount(v); setError(null) }} prefix={f.currency.code} hint={amount ? undefined : `Leave empty for the full ${f.money(nonCashMax)}, or type part of it to split`} />
            <Input label="Terminal reference (optional)" value={cardRef} onChange={(e) => setCardRef(e.target.value)} placeholder="Auth code or last 4 digits" maxLength={120} />
            <Button variant="primary" size="xl" block disabled={busy || nonCashMax <= 0} onClick={() => addTender({ kind: 'card', amountMinor: Math.min(nonCashAmount, nonCashMax), reference: cardRef.trim() || null })}>
              Card approved · {f.money(Math.min(nonCashAmount, nonCashMax))}
            </Button>
          </div>
        ) : kind === 'points' && pointsPerUnit ? (
          <div className="card-pay points-pay">
            <p className="card-pay__hint">
              The member pays with {pointsName}: <strong className="num">{pointsPerUnit}</strong> {pointsName} = {f.money(f.unitMinor)}. Balance <strong className="num" data-testid="points-tender-balance">{f.points(pointsBalance)}</strong> {pointsName}.
            </p>
            <AmountPad label={`${pointsName[0].toUpperCase()}${pointsName.slice(1)} to use`} value={amount} onChange={(v) => { setAmount(v.replace(/\D/g, '')); setError(null) }} prefix={pointsName} mode="digits" onEnter={() => takePoints(typedPoints)} enterLabel={Number.isFinite(typedPoints) && typedPoints > 0 ? `Pay ${f.points(typedPoints)} ${pointsName}${minorForPoints(typedPoints, pointsPerUnit, f.unitMinor) !== null ? ` · ${f.money(minorForPoints(typedPoints, pointsPerUnit, f.unitMinor)!)}` : ''}` : `Type the ${pointsName} to use`} enterDisabled={!(typedPoints > 0) || busy} hint={`At most ${f.points(maxPoints)} ${pointsName} (the balance, and no more than is due)`} />
            <Button variant="points" size="xl" block disabled={busy || maxPoints <= 0} onClick={() => takePoints(maxPoints)}>
              Use {f.points(maxPoints)} {pointsName} · {f.money(minorForPoints(maxPoints, pointsPerUnit, f.unitMinor) ?? 0)}
            </Button>
          </div>
        ) : (
          <div className="card-pay">
            <Segmented label="Kind" value={otherKind} onChange={setOtherKind} options={[{ value: 'gift_card', label: 'Gift card' }, { value: 'store_credit', label: 'Store credit' }, { value: 'other', label: 'Voucher / other' }]} />
            <AmountPad label="Amount" value={amount} onChange={(v) => { setAmount(v); setError(null) }} prefix={f.currency.code} hint={amount ? undefined : `Leave empty for the full ${f.money(nonCashMax)}`} />
            <Input label="Reference (optional)" value={cardRef} onChange={(e) => setCardRef(e.target.value)} placeholder="Card or voucher number" maxLength={120} />
            <Button variant="primary" size="xl" block disabled={busy || nonCashMax <= 0} onClick={() => addTender({ kind: otherKind, amountMinor: Math.min(nonCashAmount, nonCashMax), reference: cardRef.trim() || null })}>
              Take {tenderLabel(otherKind).toLowerCase()} · {f.money(Math.min(nonCashAmount, nonCashMax))}
            </Button>
          </div>
        )}
      </section>
      <div className={cx('pay__overlay', busy && 'is-visible')} aria-hidden={!busy} />
    </div>
  )
}
