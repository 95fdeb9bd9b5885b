import { useEffect, useRef, useState, type FormEvent } from 'react'
import { api, errorMessage } from '../../api/client'
import type { CustomerView, LoyaltyView, Page } from '../../api/types'
import { Button, Checkbox, Dialog, EmptyState, Input, IconCamera, IconSearch, IconUser, IconUserPlus, Segmented, Spinner, useToast, IconChevronRight } from '../../ui'
import { useFormat } from '../format'
import { reference } from '../state/reference'
import { cart as cartStore, isApiError } from '../state/session'
import { useStore } from '../state/store'
import { releaseAll } from '../state/rewards'
import { CameraScanDialog } from './CameraScan'

type Tab = 'find' | 'enrol'

export async function attachMember(customer: CustomerView): Promise<void> {
  let loyalty: LoyaltyView | null = null
  try {
    loyalty = await api.get<LoyaltyView>(`/customers/${customer.id}/loyalty`)
  } catch {
    loyalty = customer.loyalty ? { customerId: customer.id, pointsName: 'points', balance: customer.loyalty.balance, tierId: customer.loyalty.tierId, lifetimeEarned: 0, salesCount: 1, lastSaleAt: null } : null
  }
  const before = cartStore.get()
  // Another member: the rewards reserved for the one before go back to them.
  if (before.member && before.member.customer.id !== customer.id && before.rewards?.length) void releaseAll(before)
  cartStore.set((c) => ({ ...c, member: { customer, loyalty }, rewards: c.member?.customer.id === customer.id ? c.rewards ?? [] : [] }))
}

/** Find a member by phone, email, name or card code (typed, or a QR code read with the camera), or enrol one with a phone or an email. */
export function MemberDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [tab, setTab] = useState<Tab>('find')
  const [q, setQ] = useState('')
  const [results, setResults] = useState<CustomerView[] | null>(null)
  const [searching, setSearching] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const toast = useToast()
  const program = useStore(reference)?.program
  const pointsName = program?.rules.pointsName ?? 'points'
  const f = useFormat()

  // enrol form
  const [phone, setPhone] = useState('')
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [referral, setReferral] = useState('')
  const [joinConsent, setJoinConsent] = useState(false)
  const [marketing, setMarketing] = useState(false)
  const [busy, setBusy] = useState(false)
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null)
  const seq = useRef(0)
  const [camera, setCamera] = useState(false)
  const searchRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!open) return
    setTab('find')
    setQ('')
    setResults(null)
    setError(null)
    setPhone('')
    setEmail('')
    setName('')
    setReferral('')
    setJoinConsent(false)
    setMarketing(false)
    setFieldError(null)
    setCamera(false)
  }, [open])

  useEffect(() => {
    const term = q.trim()
    if (term.length < 2) {
      setResults(null)
      return
    }
    const id = ++seq.current
    const ctl = new AbortController()
    const timer = window.setTimeout(async () => {
      setSearching(true)
      try {
        const page = await api.get<Page<CustomerView>>(`/customers?q=${encodeURIComponent(term)}&limit=8`, { signal: ctl.signal })
        if (id === seq.current) {
          setResults(page.items)
          setError(null)
        }
      } catch (e) {
        if (!ctl.signal.aborted && id === seq.current) setError(errorMessage(e))
      } finally {
        if (id === seq.current) setSearching(false)
      }
    }, 200)
    return () => {
      window.clearTimeout(timer)
      ctl.abort()
    }
  }, [q])

  async function pick(c: CustomerView) {
    // Close at once: the panel fills in when the balance arrives.
    onClose()
    await attachMember(c)
    toast.show({ kind: 'success', title: `${c.name ?? c.phone ?? c.email ?? 'Member'} added to the sale` })
  }

  /** A member card read with the camera: on the sale at once, the dialogs closed. */
  async function scanned(c: CustomerView) {
    setCamera(false)
    onClose()
    await attachMember(c)
    toast.show({ kind: 'success', title: `${c.name ?? c.phone ?? c.email ?? 'Member'} added to the sale`, message: c.cardCode ? `Card ${c.cardCode}` : undefined })
  }

  function typeInstead() {
    setCamera(false)
    // After the camera view has given focus back to its button.
    requestAnimationFrame(() => searchRef.current?.focus())
  }

  function startEnrol() {
    const term = q.trim()
    if (term.includes('@')) setEmail(term)
    else if (/^[+\d][\d\s\-()]{5,}$/.test(term)) setPhone(term)
    else if (term) setName(term)
    setTab('enrol')
  }

  async function enrol(e: FormEvent) {
    e.preventDefault()
    setFieldError(null)
    if (!phone.trim() && !email.trim()) {
      setFieldError({ field: 'phone', message: 'A phone number or an email is needed.' })
      return
    }
    const referralCode = referral.trim().toUpperCase()
    if (referralCode && !/^[A-Z0-9]{4,16}$/.test(referralCode)) {
      setFieldError({ field: 'referralCode', message: 'A referral code is 4 to 16 letters and digits.' })
      return
    }
    if (!joinConsent) {
      setFieldError({ field: 'consent', message: 'The customer has to agree to join.' })
      return
    }
    setBusy(true)
    try {
      const c = await api.post<CustomerView>('/customers', {
        phone: phone.trim() || null,
        email: email.trim() || null,
        name: name.trim() || null,
        marketingConsent: marketing,
        ...(referralCode ? { referralCode } : {}),
      })
      // Closed before the member shows on the sale (as pick does): the panel is the sign the
      // enrolment is done, and the keys that follow it (F12) reach the sell screen.
      onClose()
      await attachMember(c)
      toast.show({ kind: 'success', title: 'Member enrolled', message: `${c.name ?? c.phone ?? c.email} earns ${pointsName} from this sale on.${referralCode ? ` Referred with ${referralCode}.` : ''}` })
    } catch (err) {
      if (isApiError(err, 'DUPLICATE_CUSTOMER')) {
        const field = String((err.details as { field?: string }).field ?? 'phone')
        setFieldError({ field, message: `Already a member with this ${field === 'email' ? 'email' : 'phone number'}. Find them instead.` })
      } else if (isApiError(err, 'UNKNOWN_REFERRAL_CODE')) {
        setFieldError({ field: 'referralCode', message: 'No member has this referral code. Check it with the customer, or leave it empty.' })
      } else if (isApiError(err, 'SELF_REFERRAL')) {
        setFieldError({ field: 'referralCode', message: 'This code belongs to a member with the same phone or email: a member cannot refer themself.' })
      } else if (isApiError(err, 'REFERRAL_EXISTING_MEMBER')) {
        setFieldError({ field: 'referralCode', message: 'Only new members can be referred.' })
      } else if (isApiError(err, 'VALIDATION_FAILED')) {
        const first = ((err.details as { fields?: { field: string; message: string }[] }).fields ?? [])[0]
        setFieldError({ field: first?.field ?? 'phone', message: first ? `Check the ${first.field}: ${first.message}` : err.message })
      } else setFieldError({ field: 'form', message: errorMessage(err) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title="Member" size="md">
      <div className="member-dialog">
        <Segmented
          label="Find or enrol"
          value={tab}
          onChange={setTab}
          options={[
            { value: 'find', label: 'Find a member', icon: <IconSearch size={18} /> },
            { value: 'enrol', label: 'Enrol new', icon: <IconUserPlus size={18} /> },
          ]}
        />
        {tab === 'find' ? (
          <>
            <div className="member-find">
              <Input ref={searchRef} size="lg" wrapClassName="member-find__field" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Phone, email, name or card" aria-label="Find a member by phone, email, name or card code" leading={<IconSearch />} trailing={searching ? <Spinner /> : null} autoFocus inputMode="search" onKeyDown={(e) => e.key === 'Enter' && results?.[0] && void pick(results[0])} />
              <Button size="lg" className="member-find__camera" icon={<IconCamera size={22} />} onClick={() => setCamera(true)} aria-label="Scan with camera" title="Scan the QR code on a member card with the camera">
                Scan
              </Button>
            </div>
            {error ? <p className="form-error">{error}</p> : null}
            <div className="member-results" role="list">
              {results === null ? (
                <EmptyState icon={<IconUser />} title="Who is the customer?">Type at least two characters of a phone number, an email, a name or a card code, or tap Scan for the QR code on the member’s card.</EmptyState>
              ) : results.length === 0 ? (
                <EmptyState icon={<IconUser />} title="No member found">
                  <Button variant="primary" icon={<IconUserPlus size={18} />} onClick={startEnrol}>
                    Enrol “{q.trim()}” as a new member
                  </Button>
                </EmptyState>
              ) : (
                results.map((c) => (
                  <button key={c.id} type="button" role="listitem" className="member-row" onClick={() => void pick(c)}>
                    <span className="member__avatar" aria-hidden="true">{(c.name ?? c.email ?? '★').slice(0, 1).toUpperCase()}</span>
                    <span className="member-row__text">
                      <strong>{c.name ?? c.phone ?? c.email}</strong>
                      <small>{[c.phone, c.email, c.cardCode].filter(Boolean).join(' · ')}</small>
                    </span>
                    {c.loyalty ? (
                      <span className="member-row__points">
                        <strong className="num">{f.points(c.loyalty.balance)}</strong>
                        <small>{pointsName}</small>
                      </span>
                    ) : null}
                    <IconChevronRight size={18} />
                  </button>
                ))
              )}
            </div>
          </>
        ) : (
          <form className="enrol-form" onSubmit={enrol}>
            <p className="muted">A phone number or an email is enough. Name and the rest can be completed later by the member.</p>
            <div className="enrol-form__grid">
              <Input label="Mobile phone" type="tel" inputMode="tel" autoComplete="off" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+49 151 …" error={fieldError?.field === 'phone' ? fieldError.message : undefined} size="lg" autoFocus />
              <Input label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="name@example.com" error={fieldError?.field === 'email' ? fieldError.message : undefined} size="lg" />
            </div>
            <div className="enrol-form__grid">
              <Input label="Name (optional)" value={name} onChange={(e) => setName(e.target.value)} size="lg" />
              <Input label="Referral code (optional)" value={referral} onChange={(e) => setReferral(e.target.value.toUpperCase())} placeholder="From a friend’s card or app" autoComplete="off" spellCheck={false} maxLength={16} error={fieldError?.field === 'referralCode' ? fieldError.message : undefined} size="lg" />
            </div>
            <Checkbox checked={joinConsent} onChange={setJoinConsent} label={`The customer agrees to join ${program ? 'the loyalty program' : 'as a member'} and to the privacy notice`} hint={fieldError?.field === 'consent' ? <span className="text-danger">{fieldError.message}</span> : 'Required: ask the customer.'} />
            <Checkbox checked={marketing} onChange={setMarketing} label="Offers and news by message (optional)" hint="Marketing consent; the member can change it any time." />
            {fieldError?.field === 'form' ? <p className="form-error">{fieldError.message}</p> : null}
            <Button type="submit" variant="primary" size="lg" block busy={busy}>
              Enrol and add to the sale
            </Button>
          </form>
        )}
      </div>
      <CameraScanDialog open={open && camera} onClose={() => setCamera(false)} onMember={(c) => void scanned(c)} onTypeInstead={typeInstead} />
    </Dialog>
  )
}
