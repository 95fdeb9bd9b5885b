import { useState } from 'react'
import { useOnChange } from '../hooks/useOnChange'
import { lineGrossMinor } from '@patron/core'
import type { ProductView } from '../../api/types'
import { Dialog, IconScale } from '../../ui'
import { useFormat } from '../format'
import { AmountPad } from './AmountPad'

/** A weighed item: the weight in kg (typed, or read off the scale), priced per kg exactly as the server does. */
export function WeighDialog({ product, onClose, onAdd }: { product: ProductView | null; onClose: () => void; onAdd: (p: ProductView, grams: number) => void }) {
  const f = useFormat()
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  useOnChange(product, () => {
    setValue('')
    setError(null)
  })
  if (!product) return null
  const grams = Math.round(Number(value.replace(',', '.') || '0') * 1000)
  const price = Number.isFinite(grams) && grams > 0 ? lineGrossMinor({ unitPriceMinor: product.priceMinor, quantity: grams, weighed: true }) : 0
  function add() {
    if (!product) return
    if (!Number.isFinite(grams) || grams <= 0) return setError('Enter the weight in kg, e.g. 0.750')
    onAdd(product, grams)
  }
  return (
    <Dialog open={!!product} onClose={onClose} title={product.name} description={`${f.money(product.priceMinor)} per kg`} size="sm">
      <div className="line-dialog">
        <div className="weigh-preview">
          <IconScale />
          <span>{grams > 0 ? `${(grams / 1000).toFixed(3)} kg` : 'Weight'}</span>
          <strong className="num">{f.money(price)}</strong>
        </div>
        <AmountPad label="Weight in kg" value={value} onChange={(v) => { setValue(v); setError(null) }} suffix="kg" onEnter={add} enterLabel={price > 0 ? `Add ${f.money(price)}` : 'Add'} enterDisabled={grams <= 0} error={error} hint="Put the item on the scale and type the weight it shows" />
      </div>
    </Dialog>
  )
}
