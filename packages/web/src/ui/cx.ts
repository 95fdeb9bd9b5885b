/** Joins class names, skipping falsy ones: cx('btn', big && 'btn--lg'). */
export function cx(...parts: unknown[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ')
}
