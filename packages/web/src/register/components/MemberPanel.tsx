import { useState, type ReactNode } from 'react'
import type { EarnResult } from '@patron/core'
import type { ProgramView } from '../../api/types'
import { Badge, IconStar, IconUserPlus, IconX, IconChevronRight, cx } from '../../ui'
import { useFormat } from '../format'
import type { CartMember } from '../state/cart'

/**
 * The loyalty panel of the sale: who the member is, their balance and tier, and the points
 * this cart will earn with the explanation (evaluateEarn on the cached program, the same
 * function the server runs when the sale completes).
 */
export function MemberPanel({ member, earn, pointsName, program, onFind, onRemove, children }: { member: CartMember | null; earn: EarnResult | null; pointsName: string; program: ProgramView | null; onFind: () => void; onRemove: () => void; children?: ReactNode }) {
  const f = useFormat()
  const [open, setOpen] = useState(false)
  if (!member) {
    return (
      <button type="button" className="member member--empty" onClick={onFind}>
        <span className="member__avatar member__avatar--empty"><IconUserPlus size={22} /></span>
        <span className="member__text">
          <strong>Add a member</strong>
          <small>Phone, email, name or card</small>
        </span>
        <kbd className="kbd">F4</kbd>
      </button>
    )
  }
  const c = member.customer
  const tier = program?.rules.tiers.find((t) => t.id === member.loyalty?.tierId)
  const title = c.name ?? c.phone ?? c.email ?? c.cardCode ?? 'Member'
  const sub = [c.name ? c.phone : null, c.email].filter(Boolean).join(' · ') || c.cardCode
  return (
    <div className="member" role="region" aria-label="Member on this sale">
      <div className="member__head">
        <span className="member__avatar" aria-hidden="true">{c.name?.replace(/[^\p{L}\d]/gu, '').slice(0, 1).toUpperCase() || '★'}</span>
        <span className="member__text">
          <strong className="member__name">{title}</strong>
          <small>{sub}</small>
        </span>
        <button type="button" className="member__remove" onClick={onRemove} aria-label="Remove the member from this sale">
          <IconX size={18} />
        </button>
      </div>
      <div className="member__stats">
        <div className="member__stat">
          <span className="member__label">Balance</span>
          <strong className="num" data-testid="member-balance">{member.loyalty ? f.points(member.loyalty.balance) : '—'}</strong>
          <span className="member__unit">{pointsName}</span>
        </div>
        <div className="member__stat">
          <span className="member__label">Tier</span>
          {tier ? <Badge tone="points"><IconStar size={14} /> {tier.name}</Badge> : <span className="muted">{program?.rules.tiers.length ? 'Not yet' : 'No tiers'}</span>}
        </div>
        <button type="button" className={cx('member__earn', earn && earn.total > 0 && 'has-points')} onClick={() => setOpen((v) => !v)} aria-expanded={open} disabled={!earn}>
          <span className="member__label">This sale earns</span>
          <strong className="num" data-testid="points-preview" data-points={earn?.total ?? ''}>{earn ? `+${f.points(earn.total)}` : '—'}</strong>
          <span className="member__unit">{pointsName} <IconChevronRight size={14} /></span>
        </button>
      </div>
      <TierProgressBar member={member} pointsName={pointsName} />
      {open && earn ? (
        <ul className="earn-list" aria-label="How the points are worked out">
          {earn.components.map((comp, i) => (
            <li key={i}>
              <span>{comp.label}</span>
              <span className="num">{comp.code === 'base' ? f.points(comp.points) : comp.points < 0 ? `−${f.points(-comp.points)}` : `+${f.points(comp.points)}`}</span>
            </li>
          ))}
          {member.loyalty?.salesCount === 0 ? <li className="muted small">First purchase with us</li> : null}
        </ul>
      ) : earn && earn.components.length > 0 ? (
        <div className="member__explain" data-testid="points-explanation">{earn.explanation}</div>
      ) : null}
      {children}
    </div>
  )
}

/** How far the member is from the next tier (or how long they keep the top one). */
function TierProgressBar({ member, pointsName }: { member: CartMember; pointsName: string }) {
  const f = useFormat()
  const t = member.loyalty?.tier
  if (!t) return null
  const amount = (v: number) => (t.metric === 'spend' ? f.money(v) : `${f.points(v)} ${pointsName}`)
  if (!t.next) {
    return (
      <div className="tier-progress tier-progress--top" data-testid="tier-progress">
        <span>Top tier{t.keepUntil ? ` · kept until ${f.date(t.keepUntil)}` : ''}</span>
      </div>
    )
  }
  const pct = t.next.threshold > 0 ? Math.min(100, Math.floor((Math.max(0, t.value) * 100) / t.next.threshold)) : 100
  return (
    <div className="tier-progress" data-testid="tier-progress" data-remaining={t.next.remaining}>
      <div className="tier-progress__text">
        <span>
          <strong className="num">{amount(t.next.remaining)}</strong> to {t.next.name}
        </span>
        <span className="muted small num">{amount(t.value)} of {amount(t.next.threshold)}{t.metric === 'spend' ? ' spend' : ''} · 12 months</span>
      </div>
      <div className="tier-progress__bar" role="progressbar" aria-label={`Progress to ${t.next.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  )
}
