import { useEffect, useState } from 'react'
import { NetworkError, onUnauthenticated } from '../api/client'
import { Spinner } from '../ui'
import { Register } from './Register'
import { PinScreen } from './screens/PinScreen'
import { SetupScreen } from './screens/SetupScreen'
import { lastStaff, loadContext, session, terminal } from './state/session'
import { useStore } from './state/store'

/** Set-up (once per browser) → PIN → the register. The cart survives every step back to the PIN pad. */
export function App() {
  const t = useStore(terminal)
  const s = useStore(session)
  const [booting, setBooting] = useState(true)

  useEffect(() => {
    // A reload with a live session goes straight back to the register (unless it was locked).
    if (!t || session.get().locked) {
      setBooting(false)
      return
    }
    loadContext()
      .catch((e) => {
        // No server: carry on as the last cashier (the outbound queue sends later); else sign in.
        const staff = e instanceof NetworkError ? lastStaff() : null
        session.set((x) => ({ ...x, staff }))
      })
      .finally(() => setBooting(false))
  }, [t])

  useEffect(() => onUnauthenticated(() => session.set((x) => ({ ...x, staff: null }))), [])

  if (!t) return <SetupScreen />
  if (booting) {
    return (
      <div className="splash">
        <Spinner label="Starting the register" />
      </div>
    )
  }
  if (!s.staff || s.locked) return <PinScreen />
  return <Register />
}
