import { Button, Dialog, EmptyState, IconPause } from '../../ui'
import { useFormat } from '../format'
import { parked, unpark, park } from '../state/parked'
import { cart as cartStore, session } from '../state/session'
import { useStore } from '../state/store'
import { cartItemCount, priceCart } from '../state/cart'
import { pricingOf, reference } from '../state/reference'

/** Parked sales of this register: resume one (the sale in progress is parked in its place). */
export function ParkedDialog({ open, onClose, onResumed }: { open: boolean; onClose: () => void; onResumed: () => void }) {
  const list = useStore(parked)
  const f = useFormat()
  function resume(id: string) {
    const current = cartStore.get()
    const entry = unpark(id)
    if (!entry) return
    if (current.lines.length > 0) {
      const ref = reference.get()
      let total = 0
      try {
        total = ref ? priceCart(pricingOf(ref), current, ref.program?.rules ?? null)?.totalMinor ?? 0 : 0
      } catch {
        total = 0
      }
      park({ cart: current, parkedAt: new Date().toISOString(), parkedBy: session.get().staff?.name ?? '', totalMinor: total, note: '' })
    }
    cartStore.set({ ...entry.cart, approval: null })
    onClose()
    onResumed()
  }
  // Closed: nothing to build (the sale re-renders this on every change of the cart).
  if (!open) return null
  return (
    <Dialog open={open} onClose={onClose} title="Parked sales" description="Carts put aside to serve someone else. Resume one to finish it." size="md">
      {list.length === 0 ? (
        <EmptyState icon={<IconPause />} title="No parked sales">
          Park a sale with F8 or the Park button; it waits here.
        </EmptyState>
      ) : (
        <ul className="parked-list">
          {[...list].reverse().map((p) => (
            <li key={p.cart.id} className="parked-list__item">
              <div className="parked-list__text">
                <strong>{f.money(p.totalMinor)}</strong>
                <span className="muted">
                  {cartItemCount(p.cart)} items · {p.cart.lines.slice(0, 3).map((l) => l.name).join(', ')}
                  {p.cart.lines.length > 3 ? '…' : ''}
                </span>
                <small className="muted">
                  Parked {f.time(p.parkedAt)} by {p.parkedBy}
                  {p.cart.member ? ` · ${p.cart.member.customer.name ?? p.cart.member.customer.phone ?? 'member'}` : ''}
                </small>
              </div>
              <Button variant="primary" onClick={() => resume(p.cart.id)}>
                Resume
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  )
}

