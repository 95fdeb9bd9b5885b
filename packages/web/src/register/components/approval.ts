import { createContext, useContext } from 'react'
import type { Approval } from '../state/cart'

export interface ApprovalRequest {
  reason: string
  resolve: (a: Approval | null) => void
}

/** Asks for a manager's PIN in place; resolves with the approval, or null when cancelled. */
export const ApprovalContext = createContext<(reason: string) => Promise<Approval | null>>(async () => null)

export function useApproval() {
  return useContext(ApprovalContext)
}
