import { api } from '../../api/client'
import type { CustomerView, Page } from '../../api/types'

/** A member card's code as Patron issues it (P and nine letters or digits); own codes may differ. */
export const CARD_CODE = /^P[2-9A-HJKMNP-Z]{9}$/

/** Any card code the server accepts (Patron's own and a shop's imported ones): 4 to 32 letters and digits. */
const ANY_CARD_CODE = /^[A-Z0-9]{4,32}$/

/**
 * The card code a scanned code stands for (upper case), or null when it cannot be a member card
 * (a web address, a payment code, free text: anything but 4 to 32 letters and digits).
 */
export function cardCodeOf(text: string): string | null {
  const code = text.trim().toUpperCase()
  return ANY_CARD_CODE.test(code) ? code : null
}

/**
 * The member whose card this is, or null when no member has it. The customer search matches a
 * card code exactly; a network or server failure throws (the caller says so).
 */
export async function findMemberByCard(code: string, signal?: AbortSignal): Promise<CustomerView | null> {
  const wanted = code.trim().toUpperCase()
  const page = await api.get<Page<CustomerView>>(`/customers?q=${encodeURIComponent(wanted)}&limit=5`, { signal })
  return page.items.find((x) => x.cardCode?.toUpperCase() === wanted) ?? null
}
