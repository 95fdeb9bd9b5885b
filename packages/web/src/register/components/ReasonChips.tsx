import { cx } from '../../ui'

/** The reason of a return, one tap: chips under a section title; a second tap clears it. */
export function ReasonChips({ title, reasons, value, onChange }: { title: string; reasons: readonly string[]; value: string; onChange: (reason: string) => void }) {
  return (
    <div className="returns__reason">
      <span className="section-title">{title}</span>
      <div className="quick-row">
        {reasons.map((r) => (
          <button key={r} type="button" className={cx('chip', value === r && 'is-active')} onClick={() => onChange(value === r ? '' : r)}>
            {r}
          </button>
        ))}
      </div>
    </div>
  )
}
