/**
 * Which search rows show their SKU and barcode. Every row when the query has a digit: the
 * cashier is typing a code, and the codes confirm the match. Otherwise only the rows whose name
 * another row shares, where the codes tell them apart; a search by name shows names and prices
 * alone (less to read, and a keystroke lays out a third less text).
 */
export function rowsWithCodes(names: readonly string[], query: string): boolean[] {
  if (/\d/.test(query)) return names.map(() => true)
  const seen = new Map<string, number>()
  for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1)
  return names.map((n) => (seen.get(n) ?? 0) > 1)
}
