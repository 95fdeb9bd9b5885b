import { useCallback, useEffect, useState } from 'react'
import { errorMessage } from '../api/client'
import { Button, Spinner, useToast } from '../ui'
import { TopBar, type View } from './components/TopBar'
import { ApprovalDialog } from './components/ApprovalDialog'
import { ApprovalContext, type ApprovalRequest } from './components/approval'
import { useIdle } from './hooks/useIdle'
import { DoneView } from './screens/DoneView'
import { DrawerView } from './screens/DrawerView'
import { PaymentView, type Completed } from './screens/PaymentView'
import { ReturnsView } from './screens/ReturnsView'
import { SellView } from './screens/SellView'
import { catalog } from './state/catalog'
import { resume, startOutbox } from './state/outbox'
import { reference, refreshReference } from './state/reference'
import { drawer, lock, refreshDrawer, terminal } from './state/session'
import { useStore } from './state/store'
import type { Approval } from './state/cart'

/** The signed-in register: top bar and one view at a time (sell, pay, receipt, returns, drawer). */
export function Register() {
  const t = useStore(terminal)!
  const ref = useStore(reference)
  const drawerState = useStore(drawer)
  const toast = useToast()
  const [view, setView] = useState<View>('sell')
  const [completed, setCompleted] = useState<Completed | null>(null)
  const [refError, setRefError] = useState<string | null>(null)
  const [approval, setApproval] = useState<ApprovalRequest | null>(null)

  useEffect(() => {
    let alive = true
    catalog
      .loadCached()
      .then(() => catalog.refresh())
      .catch((e) => alive && catalog.status.get().count === 0 && toast.show({ kind: 'error', title: 'Could not load the catalogue', message: errorMessage(e) }))
    refreshReference(t.storeId).catch((e) => alive && setRefError(errorMessage(e)))
    refreshDrawer().catch(() => {})
    resume()
    const stopOutbox = startOutbox()
    // Keep prices and the program fresh while the register is open (incremental: cheap).
    const timer = window.setInterval(() => {
      catalog.refresh().catch(() => {})
      refreshReference(t.storeId).catch(() => {})
    }, 60_000)
    return () => {
      alive = false
      stopOutbox()
      window.clearInterval(timer)
    }
  }, [t.storeId, toast])

  useIdle(t.idleLockMinutes, lock, view !== 'pay')

  const requestApproval = useCallback(
    (reason: string) =>
      new Promise<Approval | null>((resolve) => {
        setApproval({ reason, resolve })
      }),
    [],
  )

  if (!ref) {
    return (
      <div className="splash">
        {refError ? (
          <div className="splash__error">
            <strong>The register cannot start</strong>
            <p>{refError}</p>
            <Button variant="primary" onClick={() => refreshReference(t.storeId).then(() => setRefError(null)).catch((e) => setRefError(errorMessage(e)))}>
              Try again
            </Button>
          </div>
        ) : (
          <Spinner label="Loading the store" />
        )}
      </div>
    )
  }

  const go = (v: View) => {
    if (v === 'sell' && view === 'done') setCompleted(null)
    setView(v)
  }

  return (
    <ApprovalContext.Provider value={requestApproval}>
      <div className="register">
        <TopBar view={view} onNavigate={go} />
        <main className="register__main">
          {view === 'sell' ? <SellView onPay={() => setView('pay')} drawerOpen={!!drawerState.open} drawerChecked={drawerState.checked} onOpenDrawer={() => setView('drawer')} /> : null}
          {view === 'pay' ? (
            <PaymentView
              onBack={() => setView('sell')}
              onCompleted={(c) => {
                setCompleted(c)
                setView('done')
              }}
            />
          ) : null}
          {view === 'done' && completed ? <DoneView completed={completed} onNewSale={() => go('sell')} /> : null}
          {view === 'returns' ? <ReturnsView onClose={() => setView('sell')} /> : null}
          {view === 'drawer' ? <DrawerView onClose={() => setView('sell')} /> : null}
        </main>
        <ApprovalDialog
          request={approval}
          onDone={(a) => {
            approval?.resolve(a)
            setApproval(null)
          }}
        />
      </div>
    </ApprovalContext.Provider>
  )
}
