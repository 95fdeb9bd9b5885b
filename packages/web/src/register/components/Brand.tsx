/** The Patron mark and name. */
export function Brand({ compact }: { compact?: boolean }) {
  return (
    <div className={compact ? 'brand brand--compact' : 'brand'}>
      <svg width={compact ? 26 : 34} height={compact ? 26 : 34} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--c-brand)" />
        <path d="M11 24V8h6.2a5 5 0 0 1 0 10H11" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="22.5" cy="23" r="2.2" fill="#f5b942" />
      </svg>
      <span className="brand__name">
        Patron{compact ? null : <span className="brand__sub"> Register</span>}
      </span>
    </div>
  )
}
