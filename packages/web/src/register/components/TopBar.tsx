import { useState } from 'react'
import { Button, Dialog, IconCloud, IconDrawer, IconGrid, IconLock, IconPause, IconReturn, IconWifiOff, IconRefresh, Badge, cx, Kbd } from '../../ui'
import { Brand } from './Brand'
import { useFormat } from '../format'
import { discard, outbox, retry, flush } from '../state/outbox'
import { parked } from '../state/parked'
import { drawer, lock, online, session, terminal } from '../state/session'
import { catalog } from '../state/catalog'
import { useStore } from '../state/store'
import { ParkedDialog } from './ParkedDialog'
import { useShortcuts } from '../hooks/useShortcuts'

export type View = 'sell' | 'pay' | 'done' | 'returns' | 'drawer'

export function TopBar({ view, onNavigate }: { view: View; onNavigate: (v: View) => void }) {
  const t = useStore(terminal)!
  const staff = useStore(session, (s) => s.staff)!
  const isOnline = useStore(online)
  const items = useStore(outbox)
  const parkedCount = useStore(parked, (xs) => xs.length)
  const drawerOpen = useStore(drawer, (d) => !!d.open)
  const [syncOpen, setSyncOpen] = useState(false)
  const [parkedOpen, setParkedOpen] = useState(false)
  const [helpOpen, setHelpOpen] = useState(false)
  const failed = items.filter((i) => i.state === 'failed').length
  const busy = view === 'pay'
  useShortcuts({ F1: () => setHelpOpen(true) })

  return (
    <header className="topbar">
      <div className="topbar__left">
        <Brand compact />
        <div className="topbar__where">
          <strong>{t.storeName}</strong>
          <span>{t.terminalName}</span>
        </div>
      </div>
      <nav className="topbar__nav" aria-label="Register">
        <button type="button" className={cx('navbtn', (view === 'sell' || view === 'pay' || view === 'done') && 'is-active')} onClick={() => onNavigate('sell')} disabled={busy}>
          <IconGrid size={18} /> Sell
        </button>
        <button type="button" className={cx('navbtn', view === 'returns' && 'is-active')} onClick={() => onNavigate('returns')} disabled={busy}>
          <IconReturn size={18} /> Returns
        </button>
        <button type="button" className={cx('navbtn', view === 'drawer' && 'is-active')} onClick={() => onNavigate('drawer')} disabled={busy}>
          <IconDrawer size={18} /> Drawer
          <span className={cx('navbtn__dot', drawerOpen ? 'is-open' : 'is-closed')} title={drawerOpen ? 'Drawer open' : 'Drawer closed'} aria-hidden="true" />
        </button>
        <button type="button" className="navbtn" onClick={() => setParkedOpen(true)} disabled={busy}>
          <IconPause size={18} /> Parked
          {parkedCount > 0 ? <span className="navbtn__count">{parkedCount}</span> : null}
        </button>
      </nav>
      <div className="topbar__right">
        <button type="button" className={cx('sync', !isOnline && 'is-offline', failed > 0 && 'is-failed')} onClick={() => setSyncOpen(true)} aria-label="Connection and sync">
          {isOnline ? <IconCloud size={18} /> : <IconWifiOff size={18} />}
          <span>{!isOnline ? 'Offline' : items.length > 0 ? 'Sending' : 'Online'}</span>
          {items.length > 0 ? <span className="sync__count">{items.length}</span> : null}
        </button>
        <button type="button" className="topbar__help" onClick={() => setHelpOpen(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        <div className="topbar__staff">
          <span className="avatar" aria-hidden="true">{initials(staff.name)}</span>
          <span className="topbar__staff-text">
            <strong>{staff.name.replace(/\s*\(.*\)$/, '')}</strong>
            <small>{staff.role}</small>
          </span>
        </div>
        <Button variant="subtle" size="sm" icon={<IconLock size={18} />} onClick={lock} title="Lock and switch cashier (Ctrl+L)">
          Switch
        </Button>
      </div>
      <SyncDialog open={syncOpen} onClose={() => setSyncOpen(false)} />
      <ParkedDialog open={parkedOpen} onClose={() => setParkedOpen(false)} onResumed={() => onNavigate('sell')} />
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </header>
  )
}

function initials(name: string): string {
  return name
    .replace(/\(.*\)/, '')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('')
}

function SyncDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const items = useStore(outbox)
  const isOnline = useStore(online)
  const cat = useStore(catalog.status)
  const f = useFormat()
  return (
    <Dialog open={open} onClose={onClose} title="Connection and sync" size="md">
      <div className="sync-panel">
        <div className="sync-panel__row">
          <span>Server</span>
          <Badge tone={isOnline ? 'success' : 'warning'}>{isOnline ? 'Connected' : 'Offline: sales are kept here and sent later'}</Badge>
        </div>
        <div className="sync-panel__row">
          <span>Catalogue</span>
          <span className="muted">
            {cat.count} products{cat.syncedAt ? ` · updated ${f.dateTime(cat.syncedAt)}` : ''}
          </span>
          <Button size="sm" variant="subtle" icon={<IconRefresh size={16} />} busy={cat.syncing} onClick={() => catalog.refresh().catch(() => {})}>
            Refresh
          </Button>
        </div>
        <h3 className="section-title">Waiting to send ({items.length})</h3>
        {items.length === 0 ? (
          <p className="muted">Every sale has reached the server.</p>
        ) : (
          <ul className="sync-list">
            {items.map((i) => (
              <li key={i.id} className="sync-list__item">
                <div>
                  <strong>{i.kind === 'sale' ? 'Sale' : 'Void'}</strong> {i.shownTotalMinor !== undefined ? f.money(i.shownTotalMinor) : ''}
                  <div className="muted small">
                    {f.dateTime(i.createdAt)} · {i.attempts} {i.attempts === 1 ? 'try' : 'tries'}
                    {i.lastError ? ` · ${i.lastError.message}` : ''}
                  </div>
                </div>
                {i.state === 'failed' ? (
                  <div className="sync-list__actions">
                    <Button size="sm" onClick={() => retry(i.id)}>Retry</Button>
                    <Button size="sm" variant="danger" onClick={() => window.confirm('Discard this sale? It was not recorded by the server.') && discard(i.id)}>
                      Discard
                    </Button>
                  </div>
                ) : (
                  <Badge tone="warning">Pending</Badge>
                )}
              </li>
            ))}
          </ul>
        )}
        {items.length > 0 ? (
          <Button variant="primary" onClick={() => void flush()}>
            Send now
          </Button>
        ) : null}
      </div>
    </Dialog>
  )
}

const SHORTCUTS: [string, string][] = [
  ['F2 or type anywhere', 'Search products / scan'],
  ['Enter', 'Add the highlighted match or the scanned code'],
  ['F4', 'Find or enrol a member'],
  ['F6', 'Discount on the whole sale'],
  ['F8', 'Park the sale'],
  ['F9', 'Parked sales'],
  ['F12 or Ctrl+Enter', 'Pay'],
  ['↑ ↓', 'Move through the matches of a search; otherwise select a line'],
  ['+ −', 'Change the quantity of the selected line'],
  ['Delete', 'Remove the selected line'],
  ['Ctrl+L', 'Lock / switch cashier'],
  ['Esc', 'Clear the search, close a dialog, back'],
  ['F1', 'These shortcuts'],
]

function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" size="md">
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k} className="shortcuts__row">
            <dt>{k.split(' or ').map((x, i) => <span key={x}>{i > 0 ? ' or ' : ''}<Kbd>{x}</Kbd></span>)}</dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  )
}
