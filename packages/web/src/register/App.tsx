import { Suspense, lazy, useEffect, useRef, useState } from 'react'
import { NetworkError, onUnauthenticated } from '../api/client'
import { Spinner } from '../ui'
import { PinScreen } from './screens/PinScreen'
import { SetupScreen } from './screens/SetupScreen'
import { catalog } from './state/catalog'
import { lastStaff, loadContext, session, terminal } from './state/session'
import { useStore } from './state/store'

// The signed-in register (selling, payment, returns, drawer) is a chunk of its own: a first load
// parses only what the PIN pad needs, and the PIN pad fetches the rest while the cashier types.
type RegisterModule = typeof import('./Register')
let registerModule: Promise<RegisterModule> | null = null
/** The chunk once it has arrived: rendered at once, without suspending (React would then hold its fallback ~300 ms). */
let registerLoaded: RegisterModule | null = null
const loadRegister = () =>
  (registerModule ??= import('./Register').then(
    (m) => (registerLoaded = m),
    (e) => {
      registerModule = null // a failed fetch is tried again on the next sign-in
      throw e
    },
  ))
const LazyRegister = lazy(() => loadRegister().then((m) => ({ default: m.Register })))
/** A cashier was signed in on this till before this load (a reload) and it was not locked: the register is what comes next. */
const resumesRegister = () => !!terminal.get() && !session.get().locked && lastStaff() !== null

// On such a reload the register's chunk is fetched alongside the session check rather than
// after it, and the catalogue kept in this browser is read meanwhile too.
if (resumesRegister()) {
  void loadRegister().catch(() => {})
  void catalog.loadCached().catch(() => {})
}

/** Set-up (once per browser) → PIN → the register. The cart survives every step back to the PIN pad. */
export function App() {
  const t = useStore(terminal)
  const s = useStore(session)
  // A reload with a live session goes straight back to the register (unless it was locked): the
  // server is asked first. Nobody signed in here before (no cashier remembered): there is no
  // session to find, and the PIN pad shows at once instead of after that round trip.
  const [booting, setBooting] = useState(resumesRegister)

  useEffect(() => {
    if (!resumesRegister()) {
      setBooting(false)
      return
    }
    // The session check and the register's chunk together: the splash stays until both are in.
    Promise.all([loadContext(), loadRegister().catch(() => {})])
      .catch((e) => {
        // No server: carry on as the last cashier (the outbound queue sends later); else sign in.
        const staff = e instanceof NetworkError ? lastStaff() : null
        session.set((x) => ({ ...x, staff }))
      })
      .finally(() => setBooting(false))
  }, [t])

  useEffect(() => onUnauthenticated(() => session.set((x) => ({ ...x, staff: null }))), [])
  // How the register is shown is decided when it first shows and kept while it stays: switching
  // from the lazy wrapper to the loaded component would mount it anew and lose its state.
  const registerMode = useRef<'loaded' | 'lazy' | null>(null)

  if (!t) return <SetupScreen />
  if (booting) {
    return (
      <div className="splash">
        <Spinner label="Starting the register" />
      </div>
    )
  }
  if (!s.staff || s.locked) {
    registerMode.current = null
    return <PinScreen onShown={prefetchRegister} />
  }
  registerMode.current ??= registerLoaded ? 'loaded' : 'lazy'
  if (registerMode.current === 'loaded' && registerLoaded) return <registerLoaded.Register />
  return (
    <Suspense
      fallback={
        <div className="splash">
          <Spinner label="Starting the register" />
        </div>
      }
    >
      <LazyRegister />
    </Suspense>
  )
}

/** Fetches the register's chunk once the PIN pad is on screen, so a sign-in does not wait for it. */
function prefetchRegister(): void {
  void loadRegister().catch(() => {})
}
