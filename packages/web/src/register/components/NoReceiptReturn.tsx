import { useMemo, useRef, useState, type FormEvent } from 'react'
import { priceSale, roundToIncrementMinor } from '@patron/core'
import { api, errorMessage } from '../../api/client'
import type { ProductView } from '../../api/types'
import { Button, EmptyState, Input, Segmented, Stepper, IconCheck, IconLock, IconSearch, IconScan, IconTrash, beep } from '../../ui'
import { tenderLabel, useFormat } from '../format'
import { catalog } from '../state/catalog'
import { pricingOf, reference } from '../state/reference'
import { isApiError, refreshDrawer } from '../state/session'
import { useStore } from '../state/store'
import { uuid } from '../state/storage'
import { useApproval } from './approval'
import { ReasonChips } from './ReasonChips'

type TenderKind = 'cash' | 'card' | 'store_credit'

interface ReturnLine {
  product: ProductView
  quantity: number
  restock: boolean
}

interface OpenReturnView {
  id: string
  totalMinor: number
  taxMinor: number
  tenderKind: TenderKind
  lines: { name: string; quantity: number; totalMinor: number; restock: boolean }[]
  approvedBy: string | null
  reason: string
}

const REASONS = ['Gift, no receipt', 'Receipt lost', 'Faulty', 'Changed mind']

/**
 * A return without the receipt (sales.md): the items scanned or searched, priced at today's
 * price with @patron/core (as the server prices it), no points either way, back in cash, to the
 * card or as store credit. It needs a manager: a cashier's attempt asks for a manager's PIN in
 * place, which the server checks and writes to the audit log.
 */
export function NoReceiptReturn({ onDone }: { onDone: () => void }) {
  const ref = useStore(reference)!
  const f = useFormat()
  const approve = useApproval()
  const [query, setQuery] = useState('')
  const [lines, setLines] = useState<ReturnLine[]>([])
  const [tender, setTender] = useState<TenderKind>('cash')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<OpenReturnView | null>(null)
  const id = useRef(uuid())

  const matches = useMemo(() => (query.trim() ? catalog.search(query, 6).filter((p) => !p.weighed) : []), [query])

  const preview = useMemo(() => {
    if (lines.length === 0) return null
    const pricing = pricingOf(ref)
    const priced = priceSale(pricing, {
      lines: lines.map((l) => ({ productId: l.product.id, categoryId: l.product.categoryId, name: l.product.name, quantity: l.quantity, unitPriceMinor: l.product.priceMinor, weighed: false, taxClassId: l.product.taxClassId })),
    })
    const totalMinor = tender === 'cash' ? roundToIncrementMinor(priced.totalMinor, pricing.cashRoundingMinor) : priced.totalMinor
    return { totalMinor, lines: priced.lines }
  }, [lines, tender, ref])

  function add(p: ProductView) {
    if (p.weighed) {
      beep('error')
      setError(`${p.name} is sold by weight: weighed items come back with their receipt.`)
      return
    }
    setError(null)
    setLines((xs) => {
      const at = xs.findIndex((l) => l.product.id === p.id)
      if (at < 0) return [...xs, { product: p, quantity: 1, restock: true }]
      return xs.map((l, i) => (i === at ? { ...l, quantity: l.quantity + 1 } : l))
    })
    setQuery('')
  }

  function submitSearch(e: FormEvent) {
    e.preventDefault()
    const text = query.trim()
    if (!text) return
    const p = catalog.lookupCode(text) ?? matches[0]
    if (p) add(p)
    else {
      beep('error')
      setError(`Nothing in the catalogue matches “${text}”`)
    }
  }

  async function refund() {
    if (!preview || !reason) return
    setBusy(true)
    setError(null)
    const body = { id: id.current, lines: lines.map((l) => ({ productId: l.product.id, quantity: l.quantity, restock: l.restock })), tenderKind: tender, reason }
    try {
      let result: OpenReturnView
      try {
        result = await api.post<OpenReturnView>('/returns', body)
      } catch (e) {
        if (!isApiError(e, 'PERMISSION_REQUIRED')) throw e
        const a = await approve('A return without a receipt needs a manager.')
        if (!a) return
        result = await api.post<OpenReturnView>('/returns', { ...body, approval: { staffId: a.staffId, pin: a.pin } })
      }
      setDone(result)
      void refreshDrawer().catch(() => {})
    } catch (e) {
      beep('error')
      if (isApiError(e, 'CASH_SESSION_REQUIRED')) setError('Cash back needs an open cash drawer: open it under Drawer first.')
      else setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (done) {
    return (
      <div className="refund-done refund-done--inline">
        <span className="done__check"><IconCheck size={28} /></span>
        <h2>Return recorded</h2>
        <div className="change">
          <span className="change__label">Give back · {tenderLabel(done.tenderKind).toLowerCase()}</span>
          <strong className="change__amount num" data-testid="open-return-total" data-minor={done.totalMinor}>{f.money(done.totalMinor)}</strong>
        </div>
        <dl className="done__facts">
          <div>
            <dt>Items</dt>
            <dd>{done.lines.map((l) => `${l.quantity} × ${l.name}${l.restock ? '' : ' (damaged)'}`).join(', ')}</dd>
          </div>
          <div>
            <dt>Reason</dt>
            <dd>{done.reason}</dd>
          </div>
          {done.approvedBy ? (
            <div>
              <dt>Approved</dt>
              <dd>by a manager’s PIN</dd>
            </div>
          ) : null}
        </dl>
        <p className="small muted">Without the receipt no points change: the sale they came from is unknown.</p>
        <Button variant="primary" size="lg" onClick={onDone}>Done</Button>
      </div>
    )
  }

  return (
    <div className="no-receipt">
      <header className="returns__head">
        <div>
          <h2>Return without a receipt</h2>
          <p className="muted"><IconLock size={14} /> Needs a manager · today’s prices · no points either way</p>
        </div>
      </header>
      <form onSubmit={submitSearch} className="no-receipt__search">
        <Input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Scan or search the item" aria-label="Item coming back" leading={<IconScan />} autoFocus autoComplete="off" spellCheck={false} />
        <Button type="submit" icon={<IconSearch size={18} />}>Add</Button>
      </form>
      {matches.length > 0 ? (
        <ul className="no-receipt__matches" aria-label="Matching products">
          {matches.map((p) => (
            <li key={p.id}>
              <button type="button" onClick={() => add(p)}>
                <span>{p.name}</span>
                <span className="num muted">{f.money(p.priceMinor)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {lines.length === 0 ? (
        <EmptyState icon={<IconScan />} title="No items yet">Scan the items the customer brings back, or search for them by name.</EmptyState>
      ) : (
        <div className="return-lines" role="list" aria-label="Items coming back">
          {lines.map((l, i) => {
            const set = (p: Partial<ReturnLine>) => setLines((xs) => xs.map((x, j) => (j === i ? { ...x, ...p } : x)))
            return (
              <div key={l.product.id} role="listitem" className="return-line is-picked">
                <div className="return-line__text">
                  <strong>{l.product.name}</strong>
                  <small className="muted">today {f.money(l.product.priceMinor)} · {f.money(preview?.lines[i]?.totalMinor ?? 0)}</small>
                </div>
                <div className="no-receipt__qty">
                  <Stepper label={`${l.product.name} coming back`} value={l.quantity} onChange={(q) => set({ quantity: q })} min={1} max={999} />
                  <button type="button" className="icon-btn" aria-label={`Remove ${l.product.name}`} onClick={() => setLines((xs) => xs.filter((_, j) => j !== i))}>
                    <IconTrash size={18} />
                  </button>
                </div>
                <Segmented
                  label={`${l.product.name} condition`}
                  value={l.restock ? 'restock' : 'damaged'}
                  onChange={(v) => set({ restock: v === 'restock' })}
                  options={[
                    { value: 'restock', label: 'Restock' },
                    { value: 'damaged', label: 'Damaged' },
                  ]}
                />
              </div>
            )
          })}
        </div>
      )}
      <div className="returns__reason">
        <span className="section-title">Give back as</span>
        <Segmented
          label="Give back as"
          value={tender}
          onChange={setTender}
          options={[
            { value: 'cash', label: 'Cash' },
            { value: 'card', label: 'Card' },
            { value: 'store_credit', label: 'Store credit' },
          ]}
        />
      </div>
      <ReasonChips title="Reason (required)" reasons={REASONS} value={reason} onChange={setReason} />
      <footer className="returns__foot">
        {error ? <p className="form-error" role="alert">{error}</p> : null}
        <Button variant="primary" size="xl" block disabled={!preview || !reason || busy} busy={busy} onClick={() => void refund()} data-minor={preview?.totalMinor ?? 0}>
          {preview ? `Give back ${f.money(preview.totalMinor)}` : 'Add the items coming back'}
        </Button>
      </footer>
    </div>
  )
}
