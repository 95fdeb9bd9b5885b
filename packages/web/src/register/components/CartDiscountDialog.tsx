import { useState } from 'react'
import { useOnChange } from '../hooks/useOnChange'
import { Button, Dialog, Segmented } from '../../ui'
import { useFormat } from '../format'
import { cart as cartStore, session } from '../state/session'
import { useStore } from '../state/store'
import { AmountPad } from './AmountPad'
import { useCartEditor } from './cartEdit'

const QUICK = ['5', '10', '15', '20']

/** A discount on the whole sale, spread over the lines by the server's rule (largest remainder). */
export function CartDiscountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const cart = useStore(cartStore)
  const staff = useStore(session, (s) => s.staff)!
  const f = useFormat()
  const apply = useCartEditor()
  const [kind, setKind] = useState<'percent' | 'amount'>('percent')
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)

  useOnChange(open, (isOpen) => {
    if (!isOpen) return
    const d = cartStore.get().cartDiscount
    setKind(d?.kind ?? 'percent')
    setValue(d ? (d.kind === 'percent' ? d.percent : f.toMajorText(d.amountMinor)) : '')
    setError(null)
  })

  async function save(v = value, k = kind) {
    let discount = null
    if (v.trim() !== '' && Number(v) !== 0) {
      if (k === 'percent') {
        if (!/^\d{1,3}(\.\d{1,4})?$/.test(v) || Number(v) > 100) return setError('A percent from 0 to 100')
        discount = { kind: 'percent' as const, percent: v }
      } else {
        const m = f.parseMajor(v)
        if (!Number.isFinite(m)) return setError('Enter an amount, e.g. 5.00')
        discount = { kind: 'amount' as const, amountMinor: m }
      }
    }
    if (await apply({ ...cartStore.get(), cartDiscount: discount })) onClose()
  }

  const limit = staff.role === 'cashier' ? `Up to ${staff.maxDiscountPercent} % without a manager` : 'No limit for your role'
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Discount on the sale"
      description="Spread over the lines in proportion to their amounts."
      size="sm"
      footer={
        <>
          {cart.cartDiscount ? (
            <Button variant="danger" onClick={() => void save('', kind)}>
              Remove discount
            </Button>
          ) : null}
          <span style={{ flex: 1 }} />
          <Button onClick={onClose}>Cancel</Button>
        </>
      }
    >
      <div className="line-dialog">
        <Segmented label="Discount kind" value={kind} onChange={(k) => { setKind(k); setValue('') }} options={[{ value: 'percent', label: 'Percent %' }, { value: 'amount', label: `Amount ${f.currency.code}` }]} />
        {kind === 'percent' ? (
          <div className="quick-row">
            {QUICK.map((q) => (
              <Button key={q} variant="subtle" onClick={() => void save(q, 'percent')}>
                {q} %
              </Button>
            ))}
          </div>
        ) : null}
        <AmountPad label="Discount" value={value} onChange={(v) => { setValue(v); setError(null) }} suffix={kind === 'percent' ? '%' : f.currency.code} onEnter={() => void save()} enterLabel="Apply" error={error} hint={limit} />
      </div>
    </Dialog>
  )
}
