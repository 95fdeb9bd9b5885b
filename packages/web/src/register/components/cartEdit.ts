import { isPatronError } from '@patron/core'
import { useToast } from '../../ui'
import { approvalCover, approvalCovers, approvalNeeded, priceCart, type Cart } from '../state/cart'
import { pricingOf, reference } from '../state/reference'
import { cart as cartStore, session } from '../state/session'
import { useApproval } from './approval'

/**
 * Applies a change to the cart the way the server will judge it: priced with @patron/core,
 * and a discount above the cashier's limit or a price override asks for a manager's PIN in
 * place before it is applied. Returns false when refused or cancelled.
 */
export function useCartEditor() {
  const approve = useApproval()
  const toast = useToast()
  return async function apply(next: Cart): Promise<boolean> {
    const ref = reference.get()
    const staff = session.get().staff
    if (!ref || !staff) return false
    let priced
    try {
      priced = priceCart(pricingOf(ref), next)
    } catch (e) {
      toast.show({ kind: 'error', title: 'That does not work', message: isPatronError(e) ? e.message : String(e) })
      return false
    }
    const need = approvalNeeded(next, priced, staff)
    // An approval covers what the manager saw: a bigger discount or another price asks again.
    if (need && priced && !approvalCovers(next.approval, next, priced)) {
      const a = await approve(need === 'price_override' ? 'A price override needs a manager.' : `A discount above ${staff.maxDiscountPercent} % needs a manager.`)
      if (!a) return false
      next = { ...next, approval: { ...a, covers: approvalCover(next, priced) } }
      toast.show({ kind: 'success', title: `Approved by ${a.name}` })
    }
    cartStore.set(next)
    return true
  }
}
