import { useEffect, useState } from 'react'
import { isPatronError, type PricingStore, type ProgramRules, type RewardApplication } from '@patron/core'
import { ApiError, errorMessage } from '../../api/client'
import { Button, IconButton, IconStar, IconX, IconChevronRight, Spinner, cx } from '../../ui'
import { useFormat } from '../format'
import { priceCartDetailed, type Cart } from '../state/cart'
import { applyReward, fetchRewards, removeReward, rewardErrorText, toDefinition, UNAVAILABLE_TEXT, type RewardView } from '../state/rewards'

/**
 * The member's rewards at the till: the ones applied to this cart (points reserved, the discount
 * in the preview) and the catalogue with what the member can use now and why not.
 */
export function RewardsPanel({ cart, applications, pricing, rules, pointsName }: { cart: Cart; applications: RewardApplication[] | null; pricing: PricingStore; rules: ProgramRules | null; pointsName: string }) {
  const f = useFormat()
  const member = cart.member!
  const balance = member.loyalty?.balance ?? null
  const [items, setItems] = useState<RewardView[] | null>(null)
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const applied = cart.rewards ?? []

  // The list again whenever the member or their balance changes (a reservation moves points).
  useEffect(() => {
    const ctl = new AbortController()
    fetchRewards(member.customer.id, ctl.signal)
      .then((r) => setItems(r.items))
      .catch((e) => !ctl.signal.aborted && setError(errorMessage(e)))
    return () => ctl.abort()
  }, [member.customer.id, balance])

  async function use(r: RewardView) {
    setError(null)
    // The same test the server makes when the sale completes: a reward must fit the cart.
    try {
      priceCartDetailed(pricing, cart, rules, [toDefinition(r)])
    } catch (e) {
      setError(isPatronError(e) ? rewardErrorText(e.code, e.message, pointsName) : String(e))
      return
    }
    setBusy(r.id)
    try {
      await applyReward(cart, r)
      setOpen(false)
    } catch (e) {
      setError(e instanceof ApiError ? rewardErrorText(e.code, e.message, pointsName) : errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  async function remove(reservationId: string) {
    setError(null)
    setBusy(reservationId)
    try {
      await removeReward(cart, reservationId)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  const usable = items?.filter((r) => r.available).length ?? 0
  return (
    <div className="rewards" aria-label="Rewards" role="group">
      {applied.length ? (
        <ul className="rewards__applied" aria-label="Rewards on this sale">
          {applied.map((a, i) => (
            <li key={a.reservationId} className="rewards__chip">
              <IconStar size={16} />
              <span className="rewards__chip-name">{a.reward.name}</span>
              <span className="num rewards__chip-amount" data-testid="reward-discount" data-minor={applications?.[i]?.totalMinor ?? ''}>{applications?.[i] ? f.minus(applications[i].totalMinor) : ''}</span>
              <span className="muted small num">{f.points(a.points)} {pointsName}</span>
              <IconButton size="sm" label={`Remove the reward ${a.reward.name}`} icon={busy === a.reservationId ? <Spinner /> : <IconX size={16} />} onClick={() => void remove(a.reservationId)} disabled={!!busy} />
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className={cx('rewards__toggle', usable > 0 && 'has-usable')} onClick={() => setOpen((v) => !v)} aria-expanded={open}>
        <span>
          Rewards{' '}
          {items === null ? '' : usable > 0 ? <strong>· {usable} can be used now</strong> : <span className="muted">· none can be used now</span>}
        </span>
        <IconChevronRight size={16} />
      </button>
      {error ? (
        <div className="rewards__error" role="alert">
          <span>{error}</span>
          <IconButton size="sm" label="Dismiss" icon={<IconX size={16} />} onClick={() => setError(null)} />
        </div>
      ) : null}
      {open ? (
        items === null ? (
          <Spinner label="Loading the rewards" />
        ) : (
          <ul className="rewards__list" aria-label="Rewards the member can use">
            {items.map((r) => (
              <li key={r.id} className={cx('rewards__row', !r.available && 'is-unavailable')}>
                <span className="rewards__text">
                  <strong>{r.name}</strong>
                  <small>
                    <span className="num">{f.points(r.costPoints)}</span> {pointsName}
                    {!r.available && r.unavailableReason ? ` · ${UNAVAILABLE_TEXT[r.unavailableReason] ?? r.unavailableReason}` : r.description ? ` · ${r.description}` : ''}
                  </small>
                </span>
                <Button size="sm" variant={r.available ? 'points' : 'subtle'} onClick={() => void use(r)} busy={busy === r.id} disabled={!!busy || !r.available} aria-label={`Use ${r.name}`}>
                  Use
                </Button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  )
}
