import { useState } from 'react'
import { lineGrossMinor } from '@patron/core'
import { Button, Dialog, Segmented, IconTrash } from '../../ui'
import { useFormat, quantityText } from '../format'
import { cart as cartStore, session } from '../state/session'
import { useStore } from '../state/store'
import type { Discount } from '../state/cart'
import { AmountPad } from './AmountPad'
import { useCartEditor } from './cartEdit'

type Tab = 'quantity' | 'discount' | 'price'

/** One line: quantity (or weight), a discount in amount or percent, a price override, remove. */
export function LineDialog({ lineKey, onClose, onRemove }: { lineKey: string | null; onClose: () => void; onRemove: (key: string) => void }) {
  const cart = useStore(cartStore)
  const staff = useStore(session, (s) => s.staff)!
  const line = cart.lines.find((l) => l.key === lineKey) ?? null
  const f = useFormat()
  const apply = useCartEditor()
  const [tab, setTab] = useState<Tab>('quantity')
  const [value, setValue] = useState('')
  const [discountKind, setDiscountKind] = useState<'percent' | 'amount'>('percent')
  const [error, setError] = useState<string | null>(null)

  // The read-out is set in the same event as the tab (never in an effect): a cashier typing
  // right after a tap must not race a reset.
  function changeTab(next: Tab, l = line) {
    if (!l) return
    setTab(next)
    setError(null)
    if (next === 'quantity') setValue(l.weighed ? (l.quantity / 1000).toFixed(3) : String(l.quantity))
    if (next === 'price') setValue(f.toMajorText(l.priceOverrideMinor ?? l.listPriceMinor))
    if (next === 'discount') {
      setDiscountKind(l.discount?.kind === 'amount' ? 'amount' : 'percent')
      setValue(l.discount ? (l.discount.kind === 'amount' ? f.toMajorText(l.discount.amountMinor) : l.discount.percent) : '')
    }
  }

  const [openedFor, setOpenedFor] = useState<string | null>(null)
  if (line && openedFor !== line.key) {
    // Opening for a line: start on its quantity (state set during render, before any key).
    setOpenedFor(line.key)
    changeTab('quantity', line)
  }
  if (!line && openedFor !== null) setOpenedFor(null)

  if (!line) return null
  const unitPrice = line.priceOverrideMinor ?? line.listPriceMinor
  const gross = lineGrossMinor({ unitPriceMinor: unitPrice, quantity: line.quantity, weighed: line.weighed })
  const limit = staff.role === 'cashier' ? Number(staff.maxDiscountPercent) : null

  async function save() {
    if (!line) return
    const c = cartStore.get()
    let patch: Partial<typeof line> = {}
    if (tab === 'quantity') {
      const q = line.weighed ? Math.round(Number(value.replace(',', '.')) * 1000) : Number(value)
      if (!Number.isFinite(q) || !Number.isInteger(q) || q <= 0) return setError(line.weighed ? 'Enter a weight in kg, e.g. 0.350' : 'Enter a whole number of at least 1')
      patch = { quantity: q }
    } else if (tab === 'price') {
      const m = f.parseMajor(value)
      if (!Number.isFinite(m)) return setError('Enter a price, e.g. 2.50')
      patch = { priceOverrideMinor: m === line.listPriceMinor ? null : m }
    } else {
      let d: Discount | null = null
      if (value.trim() !== '' && Number(value) !== 0) {
        if (discountKind === 'percent') {
          if (!/^\d{1,3}(\.\d{1,4})?$/.test(value) || Number(value) > 100) return setError('A percent from 0 to 100')
          d = { kind: 'percent', percent: value.replace(/\.$/, '') }
        } else {
          const m = f.parseMajor(value)
          if (!Number.isFinite(m)) return setError('Enter an amount, e.g. 1.50')
          if (m > gross) return setError(`At most the line’s ${f.money(gross)}`)
          d = { kind: 'amount', amountMinor: m }
        }
      }
      patch = { discount: d }
    }
    const ok = await apply({ ...c, lines: c.lines.map((l) => (l.key === line.key ? { ...l, ...patch } : l)) })
    if (ok) onClose()
  }

  return (
    <Dialog
      open={!!line}
      onClose={onClose}
      title={line.name}
      description={`${line.sku} · ${quantityText(line.quantity, line.weighed)} × ${f.money(unitPrice)}${line.weighed ? '/kg' : ''}`}
      size="sm"
      footer={
        <>
          <Button variant="danger" icon={<IconTrash size={18} />} onClick={() => onRemove(line.key)}>
            Remove
          </Button>
          <span style={{ flex: 1 }} />
          <Button onClick={onClose}>Cancel</Button>
        </>
      }
    >
      <div className="line-dialog">
        <Segmented
          label="What to change"
          value={tab}
          onChange={(t) => changeTab(t)}
          options={[
            { value: 'quantity', label: line.weighed ? 'Weight' : 'Quantity' },
            { value: 'discount', label: 'Discount' },
            { value: 'price', label: 'Price' },
          ]}
        />
        {tab === 'discount' ? (
          <Segmented
            label="Discount kind"
            value={discountKind}
            onChange={(k) => {
              setDiscountKind(k)
              setValue('')
            }}
            options={[
              { value: 'percent', label: 'Percent %' },
              { value: 'amount', label: `Amount ${f.currency.code}` },
            ]}
          />
        ) : null}
        <AmountPad
          label={tab === 'quantity' ? 'Quantity' : tab === 'price' ? 'Unit price' : 'Discount'}
          value={value}
          onChange={(v) => {
            setValue(v)
            setError(null)
          }}
          mode={tab === 'quantity' && !line.weighed ? 'digits' : 'decimal'}
          suffix={tab === 'quantity' ? (line.weighed ? 'kg' : '×') : tab === 'discount' && discountKind === 'percent' ? '%' : f.currency.code}
          onEnter={() => void save()}
          enterLabel="Apply"
          error={error}
          hint={
            tab === 'discount'
              ? limit !== null
                ? `Up to ${limit} % without a manager`
                : 'No limit for your role'
              : tab === 'price'
                ? staff.role === 'cashier'
                  ? `List price ${f.money(line.listPriceMinor)} · a change needs a manager`
                  : `List price ${f.money(line.listPriceMinor)}`
                : undefined
          }
        />
      </div>
    </Dialog>
  )
}
