import { useState } from 'react'
import { useOnChange } from '../hooks/useOnChange'
import { api, errorMessage } from '../../api/client'
import { Dialog, Keypad, IconLock, beep, cx } from '../../ui'
import { isApiError } from '../state/session'
import type { ApprovalRequest } from './approval'

/**
 * A manager approves at the till: the PIN is checked by the server at once (so the cashier
 * knows it worked) and sent again with the sale, where the server checks it for real.
 */
export function ApprovalDialog({ request, onDone }: { request: ApprovalRequest | null; onDone: (a: { staffId: string; name: string; pin: string } | null) => void }) {
  const [pin, setPin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useOnChange(request, () => {
    setPin('')
    setError(null)
  })

  async function submit() {
    if (pin.length < 4) return
    setBusy(true)
    try {
      const who = await api.post<{ staffId: string; name: string }>('/register/approvals', { pin })
      onDone({ staffId: who.staffId, name: who.name, pin })
    } catch (e) {
      beep('error')
      setPin('')
      setError(isApiError(e, 'INVALID_PIN') ? 'That is not a manager PIN.' : errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={!!request} title="Manager approval" description={request?.reason} onClose={() => onDone(null)} size="sm">
      <div className="approval">
        <div className="approval__icon"><IconLock size={22} /></div>
        <p className="approval__text">A manager enters their PIN here to approve.</p>
        <div className="pin-dots pin-dots--sm" aria-label={`${pin.length} digits entered`}>
          {Array.from({ length: Math.max(4, pin.length) }, (_, i) => (
            <span key={i} className={cx('pin-dot', i < pin.length && 'is-filled')} />
          ))}
        </div>
        <div className="pin-card__error" role="alert">{error ?? '\u00a0'}</div>
        <Keypad value={pin} onChange={(v) => { setPin(v); setError(null) }} mode="pin" maxLength={6} captureKeyboard onEnter={submit} enterDisabled={pin.length < 4} enterLabel={busy ? 'Checking…' : 'Approve'} disabled={busy} size="md" label="Manager PIN pad" />
      </div>
    </Dialog>
  )
}
