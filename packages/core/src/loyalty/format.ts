/** Formats minor units as a plain decimal for labels: (5000, 2) → "50.00", (1234, 0) → "1234". */
export function formatMinor(amountMinor: number, exponent: number): string {
  const negative = amountMinor < 0
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0')
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
  return negative ? `-${text}` : text
}

