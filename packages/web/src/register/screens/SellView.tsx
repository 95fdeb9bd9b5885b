import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react'
import { isPatronError, type EarnResult, type PricedSale } from '@patron/core'
import type { ProductView } from '../../api/types'
import { Button, Dialog, isDialogOpen, IconButton, EmptyState, IconSearch, IconScan, IconX, IconTrash, IconPercent, IconPause, IconUserPlus, IconDrawer, IconMinus, IconPlus, IconTag, IconScale, useToast, beep, warmUpSound, cx, Kbd } from '../../ui'
import { useFormat, quantityText } from '../format'
import { useShortcuts, ScanDetector, isEditable } from '../hooks/useShortcuts'
import { catalog } from '../state/catalog'
import { addProduct, approvalCover, approvalCovers, approvalNeeded, cartItemCount, newCart, previewEarn, priceCart, priceCartDetailed, type Cart, type PricedCart } from '../state/cart'
import { releaseAll } from '../state/rewards'
import { RewardsPanel } from '../components/RewardsPanel'
import { enqueue, flush } from '../state/outbox'
import { park } from '../state/parked'
import { compiledRules, pricingOf, reference } from '../state/reference'
import { cart as cartStore, lock, session, terminal } from '../state/session'
import { useStore } from '../state/store'
import { useApproval } from '../components/approval'
import { MemberPanel } from '../components/MemberPanel'
import { MemberDialog, attachMember } from '../components/MemberDialog'
import { CARD_CODE, findMemberByCard } from '../state/members'
import { rowsWithCodes } from '../state/searchRows'
import { LineDialog } from '../components/LineDialog'
import { CartDiscountDialog } from '../components/CartDiscountDialog'
import { WeighDialog } from '../components/WeighDialog'
import { ParkedDialog } from '../components/ParkedDialog'

/** Keys closer together than this come from a scanner (or a paste-like burst), not a person. */
const SCANNER_GAP_MS = 30

/** Runs fn in a task after the next frame has been produced (or soon, where no frame comes: a hidden page). */
function afterNextPaint(fn: () => void): void {
  let done = false
  const run = () => {
    if (done) return
    done = true
    fn()
  }
  requestAnimationFrame(() => window.setTimeout(run, 0))
  window.setTimeout(run, 100)
}
/** Tiles shown for a category (search shows at most catalog.search's 60). */
const MAX_TILES = 120

/** Category colours (register.css: .tile[data-hue] and .chip[data-hue], 0 to HUES − 1). */
const HUES = 11

/** The selling screen: catalogue on the left (search, categories, tiles), the order on the right. */
export function SellView({ onPay, drawerOpen, drawerChecked, onOpenDrawer }: { onPay: () => void; drawerOpen: boolean; drawerChecked: boolean; onOpenDrawer: () => void }) {
  const cart = useStore(cartStore)
  const ref = useStore(reference)!
  const staff = useStore(session, (s) => s.staff)!
  const t = useStore(terminal)!
  const f = useFormat()
  const toast = useToast()
  const approve = useApproval()
  const [selected, setSelected] = useState<string | null>(null)
  const [dialog, setDialog] = useState<null | 'member' | 'discount' | 'parked' | 'void'>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const [weighing, setWeighing] = useState<ProductView | null>(null)
  const [flash, setFlash] = useState<string | null>(null)
  const search = useRef<HTMLInputElement>(null)
  const detector = useRef(new ScanDetector())
  const linesEnd = useRef<HTMLDivElement>(null)

  const pricing = pricingOf(ref)
  const rules = compiledRules(ref.program)
  const pointsName = ref.program?.rules.pointsName ?? 'points'

  // Priced with @patron/core on every change of the cart: the same function the server runs.
  // With the rewards on the cart and the tier's discount, as the server's priceWithRewards.
  const programRules = ref.program?.rules ?? null
  const { priced, detail, priceError } = useMemo((): { priced: PricedSale | null; detail: PricedCart | null; priceError: string | null } => {
    try {
      const d = priceCartDetailed(pricing, cart, programRules)
      return { priced: d?.priced ?? null, detail: d, priceError: null }
    } catch (e) {
      const message = isPatronError(e) ? e.message : String(e)
      if (isPatronError(e) && e.code === 'REWARD_NOT_APPLICABLE') {
        // A reward no longer fits (its item was removed): show the cart without it, but no paying.
        let fallback: PricedSale | null = null
        try {
          fallback = priceCart(pricing, { ...cart, rewards: [] })
        } catch {
          fallback = null
        }
        return { priced: fallback, detail: null, priceError: `${message}: add the item again or remove the reward.` }
      }
      return { priced: null, detail: null, priceError: message }
    }
  }, [pricing, cart, programRules])
  const earn: EarnResult | null = useMemo(() => previewEarn(rules, priced, cart.member, ref.store), [rules, priced, cart.member, ref.store])
  const needs = approvalNeeded(cart, priced, staff)

  useEffect(() => {
    if (!selected && cart.lines.length > 0) return
    if (selected && !cart.lines.some((l) => l.key === selected)) setSelected(cart.lines.at(-1)?.key ?? null)
  }, [cart.lines, selected])

  // The scan beep's audio device is opened when idle, not in the first scan's keystroke.
  useEffect(() => {
    const timer = window.setTimeout(warmUpSound, 1000)
    return () => window.clearTimeout(timer)
  }, [])

  function setCart(next: Cart) {
    cartStore.set(next)
  }

  // The tiles get one stable callback, so a render of the sale does not re-render them.
  const addRef = useRef<(p: ProductView) => void>(() => {})
  addRef.current = add
  const onTile = useCallback((p: ProductView) => addRef.current(p), [])

  function add(p: ProductView) {
    if (p.weighed) {
      setWeighing(p)
      return
    }
    const r = addProduct(cartStore.get(), p)
    setCart(r.cart)
    setSelected(r.key)
    setFlash(r.key)
    window.setTimeout(() => setFlash((k) => (k === r.key ? null : k)), 600)
    requestAnimationFrame(() => linesEnd.current?.scrollIntoView({ block: 'nearest' }))
  }

  function addWeighed(p: ProductView, grams: number) {
    const r = addProduct(cartStore.get(), p, grams)
    setCart(r.cart)
    setSelected(r.key)
    setWeighing(null)
  }

  // Typing anywhere goes to the search field: a scanner needs no click first. A layout effect,
  // so the listener is there as soon as the screen is: a scan right after the sell view appears
  // (the drawer just opened) must not lose its first digits to a not-yet-attached listener.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isDialogOpen()) return
      if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1 || e.key === ' ') return
      if ((e.key === '+' || e.key === '-') && selected) return
      // Take this first key ourselves (a focus change during keydown loses it), then the field
      // gets the rest natively: a wedge scanner types the whole code without a click first.
      const input = search.current
      if (!input) return
      e.preventDefault()
      detector.current.key(e)
      // Straight into the field's DOM value (React hears it as a normal input event), so the
      // next keys, which arrive before React renders again, append to it instead of racing it.
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      setValue.call(input, input.value + e.key)
      input.dispatchEvent(new Event('input', { bubbles: true }))
      input.focus()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [selected])

  function changeQty(key: string, delta: number) {
    const c = cartStore.get()
    const line = c.lines.find((l) => l.key === key)
    if (!line || line.weighed) return
    const q = line.quantity + delta
    if (q <= 0) return removeLine(key)
    setCart({ ...c, lines: c.lines.map((l) => (l.key === key ? { ...l, quantity: q } : l)) })
  }

  function removeLine(key: string) {
    const c = cartStore.get()
    const idx = c.lines.findIndex((l) => l.key === key)
    const lines = c.lines.filter((l) => l.key !== key)
    setCart({ ...c, lines, ...(lines.length === 0 ? { cartDiscount: null, approval: null } : {}) })
    setSelected(lines[Math.min(idx, lines.length - 1)]?.key ?? null)
  }

  /** The member leaves the sale: the rewards reserved for them go back to their balance. */
  function removeMember() {
    const c = cartStore.get()
    if (c.rewards?.length) void releaseAll(c)
    setCart({ ...c, member: null, rewards: [] })
  }

  function doPark() {
    const c = cartStore.get()
    if (c.lines.length === 0) return
    park({ cart: c, parkedAt: new Date().toISOString(), parkedBy: staff.name.replace(/\s*\(.*\)$/, ''), totalMinor: priced?.totalMinor ?? 0, note: '' })
    setCart(newCart())
    toast.show({ kind: 'success', title: 'Sale parked', message: 'Resume it from Parked (F9).' })
  }

  function doVoid() {
    const c = cartStore.get()
    // The void is recorded on the server too, so this cart's id can never complete later (and
    // the server releases the rewards reserved for it).
    enqueue({ id: c.id, kind: 'void', path: `/sales/${c.id}/void`, body: { terminalId: t.terminalId, reason: 'voided at the register' } })
    void flush()
    setCart(newCart())
    setDialog(null)
    toast.show({ kind: 'info', title: 'Sale voided' })
  }

  async function pay() {
    if (!priced || priceError || cart.lines.length === 0) return
    if (!drawerOpen) {
      toast.show({ kind: 'warning', title: 'Open the cash drawer first', message: 'A register sells inside an open cash session.' })
      onOpenDrawer()
      return
    }
    if (needs && !approvalCovers(cart.approval, cart, priced)) {
      const a = await approve(needs === 'price_override' ? 'A price override needs a manager.' : `A discount above ${staff.maxDiscountPercent} % needs a manager.`)
      if (!a) return
      cartStore.set({ ...cartStore.get(), approval: { ...a, covers: approvalCover(cart, priced) } })
    }
    onPay()
  }

  const selectedIndex = cart.lines.findIndex((l) => l.key === selected)
  useShortcuts({
    F2: () => search.current?.focus(),
    F4: () => setDialog('member'),
    F6: () => cart.lines.length > 0 && setDialog('discount'),
    F8: doPark,
    F9: () => setDialog('parked'),
    F12: () => void pay(),
    'Ctrl+Enter': () => void pay(),
    'Ctrl+L': lock,
    ArrowDown: () => cart.lines.length && setSelected(cart.lines[Math.min(selectedIndex + 1, cart.lines.length - 1)].key),
    ArrowUp: () => cart.lines.length && setSelected(cart.lines[Math.max(selectedIndex - 1, 0)].key),
    '+': () => selected && changeQty(selected, 1),
    '-': () => selected && changeQty(selected, -1),
    Delete: () => selected && removeLine(selected),
    Enter: () => selected && setEditing(selected),
  })

  const count = cartItemCount(cart)

  return (
    <div className="sell" data-drawer={drawerChecked ? (drawerOpen ? 'open' : 'closed') : 'checking'}>
      <CatalogPanel searchRef={search} detector={detector.current} onAdd={onTile} />

      <section className="order" aria-label="Current sale">
        <MemberPanel member={cart.member} earn={earn} pointsName={pointsName} program={ref.program} onFind={() => setDialog('member')} onRemove={removeMember}>
          {cart.member && ref.program ? <RewardsPanel cart={cart} applications={detail?.applications ?? null} pricing={pricing} rules={programRules} pointsName={pointsName} /> : null}
        </MemberPanel>

        <div className="order__lines" role="list" aria-label="Sale lines">
          {cart.lines.length === 0 ? (
            <EmptyState icon={<IconScan />} title="Ready for the first item">
              Scan a barcode, search, or tap a product.
            </EmptyState>
          ) : (
            cart.lines.map((l, i) => {
              const p = priced?.lines[i]
              const discount = p ? p.lineDiscountMinor + p.cartDiscountMinor + p.rewardDiscountMinor : 0
              const isSel = l.key === selected
              return (
                <div key={l.key} role="listitem" className={cx('line', isSel && 'is-selected', flash === l.key && 'is-flash')} onClick={() => setSelected(l.key)}>
                  <div className="line__main">
                    <div className="line__name">{l.name}</div>
                    <div className="line__meta">
                      <span className="num">
                        {quantityText(l.quantity, l.weighed)} × {f.money(l.priceOverrideMinor ?? l.listPriceMinor)}
                        {l.weighed ? '/kg' : ''}
                      </span>
                      {l.priceOverrideMinor !== null && l.priceOverrideMinor !== l.listPriceMinor ? <span className="tag tag--warning">price changed</span> : null}
                      {l.discount ? <span className="tag tag--brand">{l.discount.kind === 'percent' ? `−${l.discount.percent} %` : `−${f.money(l.discount.amountMinor)}`}</span> : null}
                    </div>
                  </div>
                  <div className="line__amount">
                    {/* Inclusive stores show what the line costs; exclusive ones its net, tax comes below. */}
                    <span className="num">{p ? f.money(p.netMinor) : '—'}</span>
                    {discount > 0 ? <s className="num muted">{f.money(p!.grossMinor)}</s> : null}
                  </div>
                  {isSel ? (
                    <div className="line__actions" onClick={(e) => e.stopPropagation()}>
                      {!l.weighed ? (
                        <div className="qty">
                          <button type="button" onClick={() => changeQty(l.key, -1)} aria-label={`One less ${l.name}`}>
                            <IconMinus size={18} />
                          </button>
                          <span className="num" aria-label="Quantity">{l.quantity}</span>
                          <button type="button" onClick={() => changeQty(l.key, 1)} aria-label={`One more ${l.name}`}>
                            <IconPlus size={18} />
                          </button>
                        </div>
                      ) : null}
                      <Button size="sm" variant="subtle" icon={<IconTag size={16} />} onClick={() => setEditing(l.key)}>
                        Edit
                      </Button>
                      <IconButton size="sm" variant="danger" label={`Remove ${l.name}`} icon={<IconTrash size={18} />} onClick={() => removeLine(l.key)} />
                    </div>
                  ) : null}
                </div>
              )
            })
          )}
          <div ref={linesEnd} />
        </div>

        <div className="order__foot">
          {priceError ? <div className="order__error" role="alert">{priceError}</div> : null}
          {priced ? (
            <dl className="totals">
              <div className="totals__row">
                <dt>Subtotal · {count} {count === 1 ? 'item' : 'items'}</dt>
                <dd className="num">{f.money(priced.grossMinor)}</dd>
              </div>
              {priced.lineDiscountMinor + priced.cartDiscountMinor > 0 ? (
                <div className="totals__row totals__row--discount">
                  <dt>
                    Discounts
                    {cart.cartDiscount ? <button type="button" className="linkish" onClick={() => setCart({ ...cart, cartDiscount: null })}>remove sale discount</button> : null}
                  </dt>
                  <dd className="num">{f.minus(priced.lineDiscountMinor + priced.cartDiscountMinor)}</dd>
                </div>
              ) : null}
              {priced.rewardDiscountMinor > 0 ? (
                <div className="totals__row totals__row--discount">
                  <dt>{detail?.memberDiscountMinor ? 'Rewards and member discount' : 'Rewards'}</dt>
                  <dd className="num" data-testid="rewards-total" data-minor={priced.rewardDiscountMinor}>{f.minus(priced.rewardDiscountMinor)}</dd>
                </div>
              ) : null}
              {priced.taxSummary.map((tx) => (
                <div key={tx.rateId} className="totals__row totals__row--tax">
                  <dt>{pricing.taxMode === 'inclusive' ? `incl. ${tx.name}` : tx.name}</dt>
                  <dd className="num">{f.money(tx.taxMinor)}</dd>
                </div>
              ))}
              {needs ? (
                <div className="totals__row totals__row--approval">
                  <dt>{cart.approval ? `Approved by ${cart.approval.name}` : needs === 'price_override' ? 'Price override: manager approval at payment' : `Discount above ${staff.maxDiscountPercent} %: manager approval at payment`}</dt>
                  <dd />
                </div>
              ) : null}
            </dl>
          ) : null}
          <div className="order__actions">
            <Button variant="subtle" icon={<IconPause size={18} />} onClick={doPark} disabled={cart.lines.length === 0} kbd="F8">
              Park
            </Button>
            <Button variant="subtle" icon={<IconPercent size={18} />} onClick={() => setDialog('discount')} disabled={cart.lines.length === 0} kbd="F6">
              Discount
            </Button>
            <Button variant="subtle" icon={<IconUserPlus size={18} />} onClick={() => setDialog('member')} kbd="F4">
              Member
            </Button>
            <Button variant="danger" icon={<IconTrash size={18} />} onClick={() => setDialog('void')} disabled={cart.lines.length === 0}>
              Void
            </Button>
          </div>
          {drawerChecked && !drawerOpen ? (
            <Button variant="points" size="xl" block icon={<IconDrawer />} onClick={onOpenDrawer}>
              Open the cash drawer to sell
            </Button>
          ) : (
            <Button variant="primary" size="xl" block className="pay-button" onClick={() => void pay()} disabled={!priced || !!priceError} kbd="F12">
              <span>Pay</span>
              <span className="pay-button__amount num" data-testid="cart-total" data-minor={priced?.totalMinor ?? 0}>{f.money(priced?.totalMinor ?? 0)}</span>
            </Button>
          )}
        </div>
      </section>

      <MemberDialog open={dialog === 'member'} onClose={() => setDialog(null)} />
      <CartDiscountDialog open={dialog === 'discount'} onClose={() => setDialog(null)} />
      <ParkedDialog open={dialog === 'parked'} onClose={() => setDialog(null)} onResumed={() => {}} />
      <LineDialog lineKey={editing} onClose={() => setEditing(null)} onRemove={(k) => { removeLine(k); setEditing(null) }} />
      <WeighDialog product={weighing} onClose={() => setWeighing(null)} onAdd={addWeighed} />
      <VoidDialog open={dialog === 'void'} onClose={() => setDialog(null)} onConfirm={doVoid} total={priced ? f.money(priced.totalMinor) : ''} />
    </div>
  )
}

/**
 * The catalogue side: search field, category chips and tiles. It owns the search state, so a
 * keystroke re-renders this panel only, not the sale (lines, totals, member, dialogs).
 */
const CatalogPanel = memo(function CatalogPanel({ searchRef, detector, onAdd }: { searchRef: RefObject<HTMLInputElement | null>; detector: ScanDetector; onAdd: (p: ProductView) => void }) {
  const catStatus = useStore(catalog.status)
  const f = useFormat()
  const toast = useToast()
  // query: what the field shows; shownQuery: what the results are for. They differ only while
  // keys arrive at scanner speed (no search per barcode digit). Otherwise the results render in
  // the keystroke's own update, with its echo: the search takes well under a millisecond and a
  // screenful of light tiles a few, so one frame shows both (a deferred render waited for the
  // echo's frame first and showed the results a frame later).
  const [query, setQueryText] = useState('')
  const [shownQuery, setShownQuery] = useState('')
  const lastInputAt = useRef(0)
  const searchTimer = useRef<number | undefined>(undefined)
  const [category, setCategory] = useState<string | null>(null)
  const [highlight, setHighlight] = useState(0)
  const [scanError, setScanError] = useState<string | null>(null)

  // catalogue view (catStatus.version: the catalogue changed, so chips and results are re-read)
  const categories = catalog.nonEmptyCategories() // memoised in the catalogue, per version
  // The category's tiles stay as they are while a search shows its rows over them (see ProductList).
  const searching = shownQuery.trim() !== ''
  const tiles = useMemo(() => catalog.inCategory(category, MAX_TILES), [category, catStatus.version])
  // The search rows keep the last search's products while the tiles show (covered, so not laid
  // out or painted), and start with the first tiles: the first letter of a search then updates
  // rows already in the page instead of creating them.
  const lastFound = useRef<ProductView[]>(NONE)
  const found = useMemo(() => {
    if (searching) lastFound.current = catalog.search(shownQuery)
    else if (lastFound.current.length === 0) lastFound.current = tiles
    return lastFound.current
  }, [searching, shownQuery, tiles])
  const results = searching ? found : tiles

  /** Bumped by every change of the field: a results update still pending from before is dropped. */
  const queryTurn = useRef(0)

  /** Sets the search text; the highlight goes back to the first result in the same update. */
  function setQuery(text: string) {
    queryTurn.current++
    setQueryText(text)
    setHighlight(0)
    window.clearTimeout(searchTimer.current)
    const now = performance.now()
    const fast = text !== '' && now - lastInputAt.current < SCANNER_GAP_MS
    lastInputAt.current = now
    if (fast) searchTimer.current = window.setTimeout(() => setShownQuery(text), SCANNER_GAP_MS + 10)
    else setShownQuery(text)
  }
  useEffect(() => () => window.clearTimeout(searchTimer.current), [])

  /**
   * Enter has just put a product on the sale: the field empties with the new line, and the
   * results give way to the tiles in the frame after it (the line is what the cashier looks for;
   * the rows of a scan's first digit do not hold it back).
   */
  function clearAfterAdd() {
    const turn = ++queryTurn.current
    setQueryText('')
    window.clearTimeout(searchTimer.current)
    lastInputAt.current = performance.now()
    afterNextPaint(() => {
      if (queryTurn.current !== turn) return
      setShownQuery('')
      setHighlight(0)
    })
  }

  const chooseCategory = useCallback((id: string | null) => {
    setCategory(id)
    setHighlight(0)
  }, [])

  const hue = useMemo(() => {
    const catIndex = new Map(catalog.categories.map((c, i) => [c.id, i]))
    return (categoryId: string | null) => (categoryId ? catIndex.get(categoryId) ?? 0 : 0) % HUES
  }, [catStatus.version])

  /** Enter in the search field: a scanned or typed barcode/SKU, else the highlighted result. */
  function onSearchKey(e: ReactKeyboardEvent<HTMLInputElement>) {
    detector.key(e.nativeEvent)
    if (e.key === 'ArrowDown') {
      e.preventDefault()
      setHighlight((h) => Math.min(h + 1, results.length - 1))
      return
    }
    if (e.key === 'ArrowUp') {
      e.preventDefault()
      setHighlight((h) => Math.max(h - 1, 0))
      return
    }
    if (e.key === 'Escape') {
      setQuery('')
      setScanError(null)
      return
    }
    if (e.key !== 'Enter') return
    e.preventDefault()
    const scanned = detector.take()
    // The field's own value, not the last render's state: keys can arrive faster than renders.
    const text = e.currentTarget.value.trim()
    const code = scanned ?? text
    if (!code) return
    // The whole field first (a scan into an empty field), then what was typed at scanner speed
    // (a scan after text already in the field).
    const byCode = catalog.lookupCode(text) ?? (scanned ? catalog.lookupCode(scanned) : undefined)
    if (byCode) {
      onAdd(byCode)
      clearAfterAdd()
      setScanError(null)
      beep('ok')
      return
    }
    // No product has this code: a scanned code, or one shaped like a member card (P + 9), may be
    // a member's card. The member search matches card codes exactly.
    // The whole field first when it has a card's shape: on a busy machine the scanner's first
    // key can arrive late enough to look typed by hand, and the "scanned" part then lacks it.
    const whole = text.toUpperCase()
    const candidates = [...new Set([CARD_CODE.test(whole) ? whole : null, scanned?.trim().toUpperCase() ?? null])].filter((c): c is string => c !== null && /^[A-Z0-9]{4,32}$/.test(c))
    if (candidates.length > 0) {
      setQuery('')
      void (async () => {
        for (const c of candidates) if (await memberByCard(c)) return
        notFound(code, text, scanned)
      })()
      return
    }
    notFound(code, text, scanned)
  }

  /** Finds the member whose card this is and puts them on the sale; false when there is none. */
  async function memberByCard(code: string): Promise<boolean> {
    try {
      const c = await findMemberByCard(code)
      if (!c) return false
      beep('ok')
      await attachMember(c)
      toast.show({ kind: 'success', title: `${c.name ?? c.phone ?? c.email ?? 'Member'} added to the sale`, message: `Card ${c.cardCode}` })
      return true
    } catch {
      return false
    }
  }

  function notFound(code: string, text: string, scanned: string | null) {
    // A code that looks like a barcode (digits) and matches nothing is a failed scan. Anything
    // else typed fast (a person typing quickly, a scanned SKU) falls back to the search.
    const results = text ? catalog.search(text) : []
    if (/^\d{6,}$/.test(code) || /^\d{4,}$/.test(text) || (scanned && results.length === 0)) {
      beep('error')
      setScanError(/^\d{4,}$/.test(text) ? text : code)
      setQuery('')
      return
    }
    const pick = results[highlight]
    if (pick) {
      onAdd(pick)
      clearAfterAdd()
    } else {
      beep('error')
      toast.show({ kind: 'warning', title: catalog.status.get().ready ? `Nothing matches “${text}”` : 'The catalogue is still loading; try again in a moment' })
    }
  }

  return (
      <section className="catalog" aria-label="Products">
        <div className="catalog__search">
          <div className={cx('searchbox', scanError && 'searchbox--error')}>
            <IconSearch />
            <span className="searchbox__field">
              <input
                ref={searchRef}
                type="search"
                value={query}
                onChange={(e) => {
                  setQuery(e.target.value)
                  setScanError(null)
                }}
                onKeyDown={onSearchKey}
                placeholder="Search products or scan a barcode"
                aria-label="Search products or scan a barcode"
                autoComplete="off"
                spellCheck={false}
              />
            </span>
            {/* Both stay in the page, one hidden (register.css): the first key and the clearing
                of every search and scan change a class, not the elements. */}
            <span className={cx('searchbox__end', query && 'has-text')}>
              <button type="button" className="searchbox__clear" onClick={() => setQuery('')} aria-label="Clear search" aria-hidden={query ? undefined : true}>
                <IconX size={18} />
              </button>
              <span className="searchbox__hint" aria-hidden={query ? true : undefined}>
                <IconScan size={18} /> <Kbd>F2</Kbd>
              </span>
            </span>
          </div>
          {scanError ? (
            <div className="scan-error" role="alert">
              <strong>Unknown barcode {scanError}</strong>
              <span>No product has this code. Check the item or search by name.</span>
              <IconButton size="sm" label="Dismiss" icon={<IconX size={18} />} onClick={() => setScanError(null)} />
            </div>
          ) : null}
        </div>
        {/* The chips stay in the page while a search shows its head over them (hidden, not
            removed): typing the first letter or Escape then restyles a few elements instead of
            removing or creating every chip. */}
        <div className="catalog__bar">
          {/* The covering is done here, on the panes: the first letter and Escape change two
              classes and re-render neither the chips nor the tiles. */}
          <div className={cx('chips-pane', searching && 'is-covered')}>
            <CategoryChips categories={categories} category={category} hue={hue} onChoose={chooseCategory} />
          </div>
          <div className={cx('catalog__results-head', searching && 'is-shown')} aria-hidden={searching ? undefined : true}>
            {!searching ? null : results.length === 0 ? 'No products match' : `${results.length}${results.length >= 60 ? '+' : ''} ${results.length === 1 ? 'product' : 'products'} · Enter adds the highlighted one`}
          </div>
        </div>
        <div className="catalog__body">
          <div className={cx('catalog__pane', searching && 'is-covered')} aria-hidden={searching ? true : undefined}>
            <ProductList kind="tiles" results={tiles} listKey={category ?? ''} highlight={-1} ready={catStatus.ready} hue={hue} money={f.money} onAdd={onAdd} />
          </div>
          <div className={cx('catalog__pane', !searching && 'is-covered')} aria-hidden={searching ? undefined : true}>
            <ProductList kind="rows" results={found} listKey={shownQuery} query={shownQuery} highlight={highlight} ready={catStatus.ready} hue={hue} money={f.money} onAdd={onAdd} />
          </div>
        </div>
      </section>
  )
})

/**
 * The category chips; memoised, so a keystroke does not re-render them. While a search shows,
 * they stay in the page under its head, their pane hidden with content-visibility (out of the
 * tab order and the accessibility tree, and not restyled: visibility, inherited, restyled every
 * chip): the first letter and Escape then change one class instead of removing or creating
 * every chip.
 */
const CategoryChips = memo(function CategoryChips({ categories, category, hue, onChoose }: { categories: readonly { id: string; name: string }[]; category: string | null; hue: (categoryId: string | null) => number; onChoose: (id: string | null) => void }) {
  return (
    <div className="chips" role="tablist" aria-label="Categories">
      <button type="button" role="tab" aria-selected={category === null} className={cx('chip', category === null && 'is-active')} onClick={() => onChoose(null)}>
        All
      </button>
      {categories.map((c) => (
        <button key={c.id} type="button" role="tab" aria-selected={category === c.id} className={cx('chip', category === c.id && 'is-active')} onClick={() => onChoose(c.id)} data-hue={hue(c.id)}>
          <span className="chip__dot" />
          {c.name}
        </button>
      ))}
    </div>
  )
})

/** The tiles' grid (register.css, .tiles): rows of 112 px, columns at least 148 px wide. */
const TILE_ROW_PX = 112
const TILE_MIN_WIDTH_PX = 148
const ROW_PX = 60
const NONE: ProductView[] = []

/**
 * How many items a list shows at its scroll position (a row cut at the bottom counts), plus a
 * row below when `overscan`: the items to render, its columns, and for a list of rows the height
 * of a row with its gap. The tiles' columns and row height come from their CSS grid; the search
 * rows' from --row and --gap (a block, one row per line). MAX_TILES when the list
 * has no size (not laid out, or a test DOM without layout).
 */
function itemsInView(el: HTMLElement | null, overscan: boolean): { count: number; columns: number; step: number } {
  if (!el || el.clientHeight <= 0 || el.clientWidth <= 0) return { count: MAX_TILES, columns: 1, step: 0 }
  const cs = getComputedStyle(el)
  if (cs.display !== 'grid') {
    // the search rows: a block of rows, one per line (register.css: .results)
    const step = (parseFloat(cs.getPropertyValue('--row')) || ROW_PX) + (parseFloat(cs.getPropertyValue('--gap')) || 0)
    return { count: Math.min(MAX_TILES, Math.ceil((el.scrollTop + el.clientHeight) / step) + (overscan ? 1 : 0)), columns: 1, step }
  }
  const gapX = parseFloat(cs.columnGap) || 0
  const gapY = parseFloat(cs.rowGap) || 0
  const rowPx = parseFloat(cs.gridAutoRows) || TILE_ROW_PX
  const tracks = cs.gridTemplateColumns.split(' ').filter((x) => x && x !== 'none').length
  const columns = Math.max(1, tracks || Math.floor((el.clientWidth + gapX) / (TILE_MIN_WIDTH_PX + gapX)))
  const rows = Math.ceil((el.scrollTop + el.clientHeight) / (rowPx + gapY)) + (overscan ? 1 : 0)
  return { count: Math.min(MAX_TILES, columns * rows), columns, step: 0 }
}

/**
 * The products of the catalogue side: a category's tiles, or a search's rows. Both lists stay in
 * the page, one over the other, each in a pane of CatalogPanel's; the pane of the one not shown
 * is covered (register.css: content-visibility hidden), which keeps the list's rendering and
 * scroll position as they are, and the list itself is not even re-rendered. So the first
 * letter of a search lays out a screenful of one-line rows and leaves the tiles alone, and
 * Escape shows the tiles again, where they were, without laying them out anew.
 * Memoised, so typing or a change of the sale re-renders a list only when its own results change.
 * Only the items in view are rendered; a spacer keeps the list's full height, so the scroll bar
 * tells how many there are, and scrolling renders the next rows. The row below the view (so a
 * scroll never shows an empty row) is rendered once the list is scrolled or about to be (wheel,
 * touch, pointer), not for every keystroke. A new list (another query or category) starts at
 * its top.
 */
const ProductList = memo(function ProductList({ kind, results, listKey, query = '', highlight, ready, hue, money, onAdd }: { kind: 'tiles' | 'rows'; results: ProductView[]; listKey: string; query?: string; highlight: number; ready: boolean; hue: (categoryId: string | null) => number; money: (minor: number) => string; onAdd: (p: ProductView) => void }) {
  const list = useRef<HTMLDivElement>(null)
  const [inView, setInView] = useState(MAX_TILES)
  const [columns, setColumns] = useState(1)
  /** Search rows: the height of a row with its gap (the filler below is rows × step); tiles: 0. */
  const [step, setStep] = useState(0)
  /** The list is scrolled, or a wheel, touch or pointer is on it: render the row below too. */
  const moving = useRef(false)
  const measure = useCallback(() => {
    const el = list.current
    if (el && el.scrollTop > 0) moving.current = true
    // One read of the list's style per scroll event: the rows in view and the columns together.
    const view = itemsInView(el, moving.current)
    setInView(view.count)
    setColumns(view.columns)
    setStep(view.step)
  }, [])
  const aboutToScroll = useCallback(() => {
    if (moving.current) return
    moving.current = true
    measure()
  }, [measure])
  useLayoutEffect(() => {
    measure()
    const el = list.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(() => measure())
    ro.observe(el)
    return () => ro.disconnect()
  }, [measure])
  const shownKey = useRef(listKey)
  useLayoutEffect(() => {
    if (shownKey.current === listKey) return
    shownKey.current = listKey
    if (!moving.current) return
    moving.current = false
    if (list.current) list.current.scrollTop = 0
    measure()
  }, [listKey, measure])
  // Arrow keys move the highlight: the highlighted item stays in view.
  useEffect(() => {
    if (highlight <= 0) return
    list.current?.children[highlight]?.scrollIntoView({ block: 'nearest' })
  }, [highlight])
  const total = Math.min(results.length, MAX_TILES)
  // The highlighted item (arrow keys) is always rendered.
  const shown = Math.min(total, Math.max(inView, highlight + 1))
  const restRows = Math.ceil(total / columns) - Math.ceil(shown / columns)
  const items = results.slice(0, shown)
  // Search rows: which show their SKU and barcode (a code typed, or a name twice in view).
  const codes = kind === 'rows' ? rowsWithCodes(items.map((p) => p.name), query) : null
  return (
    <div className={kind === 'tiles' ? 'tiles' : 'results'} role="list" aria-label={kind === 'tiles' ? 'Products' : 'Search results'} ref={list} onScroll={measure} onWheel={aboutToScroll} onTouchStart={aboutToScroll} onPointerDown={aboutToScroll}>
      {!ready && results.length === 0 ? (
        <EmptyState title="Loading the catalogue…" />
      ) : results.length === 0 ? (
        <EmptyState icon={<IconSearch />} title="No products here">
          {kind === 'rows' ? 'Try part of the name, the SKU or the barcode.' : 'This category is empty.'}
        </EmptyState>
      ) : null}
      {
        // Keyed by slot, not by product: a keystroke that changes the results updates the items
        // already there (text, title, hue) instead of removing every item and creating new ones.
        kind === 'tiles'
          ? items.map((p, i) => <Tile key={i} product={p} highlighted={i === highlight} hue={hue(p.categoryId)} money={money} onAdd={onAdd} />)
          : items.map((p, i) => <ResultRow key={i} product={p} highlighted={i === highlight} codes={codes![i]} hue={hue(p.categoryId)} money={money} onAdd={onAdd} />)
      }
      {restRows > 0 ? <div className="tiles__rest" aria-hidden="true" style={step ? { height: restRows * step, marginTop: 0 } : { gridColumn: '1 / -1', gridRow: `span ${restRows}` }} /> : null}
    </div>
  )
})

/**
 * One product tile; memoised, so a new list of results re-renders only the tiles that changed.
 * Kept light (three elements, its colour by attribute, no transitions on highlight): a keystroke
 * restyles a screenful of them.
 */
const Tile = memo(function Tile({ product: p, highlighted, hue, money, onAdd }: { product: ProductView; highlighted: boolean; hue: number; money: (minor: number) => string; onAdd: (p: ProductView) => void }) {
  return (
    <button
      type="button"
      role="listitem"
      className={highlighted ? 'tile hued is-highlighted' : 'tile hued'}
      data-hue={hue}
      onClick={() => onAdd(p)}
      title={`${p.name} · ${p.sku}${p.barcode ? ` · ${p.barcode}` : ''}`}
    >
      <span className="tile__name">{p.name}</span>
      <span className="tile__price">
        <PriceText product={p} money={money} />
      </span>
    </button>
  )
})

/**
 * One search result: a row with the name on one line and the price; under the name, when
 * `codes`, its SKU and barcode (a code typed, or another row of the same name: rowsWithCodes).
 * One line of name per row keeps a keystroke's layout small.
 */
const ResultRow = memo(function ResultRow({ product: p, highlighted, codes, hue, money, onAdd }: { product: ProductView; highlighted: boolean; codes: boolean; hue: number; money: (minor: number) => string; onAdd: (p: ProductView) => void }) {
  return (
    <button type="button" role="listitem" className={highlighted ? 'result hued is-highlighted' : 'result hued'} data-hue={hue} onClick={() => onAdd(p)} title={p.name}>
      <span className="result__text">
        <span className="result__name">{p.name}</span>
        {codes ? <span className="result__codes">{p.barcode ? `${p.sku} · ${p.barcode}` : p.sku}</span> : null}
      </span>
      <span className="result__price">
        <PriceText product={p} money={money} />
      </span>
    </button>
  )
})

/** A product's price as tiles and search rows show it: "/kg" and a scale for weighed items. */
function PriceText({ product: p, money }: { product: ProductView; money: (minor: number) => string }) {
  return (
    <>
      {money(p.priceMinor)}
      {p.weighed ? <small>/kg</small> : null}
      {p.weighed ? <IconScale size={16} /> : null}
    </>
  )
}

function VoidDialog({ open, onClose, onConfirm, total }: { open: boolean; onClose: () => void; onConfirm: () => void; total: string }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Void this sale?"
      size="sm"
      footer={
        <>
          <Button onClick={onClose}>Keep selling</Button>
          <Button variant="destructive" onClick={onConfirm} data-autofocus>
            Void sale
          </Button>
        </>
      }
    >
      <p>Every line ({total}) is removed and the sale is recorded as voided. Nothing is charged.</p>
    </Dialog>
  )
}
