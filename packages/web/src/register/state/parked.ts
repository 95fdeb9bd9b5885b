import type { Cart } from './cart'
import { load, save } from './storage'
import { createStore } from './store'

export interface ParkedCart {
  cart: Cart
  parkedAt: string
  parkedBy: string
  totalMinor: number
  note: string
}

/** Parked carts of this register, kept across reloads (without any manager approval PIN). */
export const parked = createStore<ParkedCart[]>(load<ParkedCart[]>('parked', []), (xs) => save('parked', xs))

export function park(entry: ParkedCart): void {
  parked.set((xs) => [...xs.filter((x) => x.cart.id !== entry.cart.id), { ...entry, cart: { ...entry.cart, approval: null } }])
}

export function unpark(id: string): ParkedCart | undefined {
  const found = parked.get().find((x) => x.cart.id === id)
  if (found) parked.set((xs) => xs.filter((x) => x.cart.id !== id))
  return found
}
