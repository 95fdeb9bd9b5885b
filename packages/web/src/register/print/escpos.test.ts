import { describe, expect, it } from 'vitest'
import { hasCut, receiptBytes, type ReceiptView } from './escpos'

const sale: ReceiptView = {
  id: 's1',
  receiptNo: 'CAF-02-000123',
  status: 'completed',
  storeId: 'st',
  terminalId: 't',
  customerId: 'c',
  currency: 'EUR',
  taxMode: 'inclusive',
  soldAt: '2026-11-22T11:00:00.000Z',
  lines: [
    { lineNo: 1, productId: 'p1', sku: 'CAP', name: 'Cappuccino', quantity: 2, weighed: false, unitPriceMinor: 350, grossMinor: 700, lineDiscountMinor: 0, cartDiscountMinor: 0, rewardDiscountMinor: 350, netMinor: 350, taxMinor: 56, totalMinor: 350, eligibleMinor: 350, returnedQuantity: 0 },
    { lineNo: 2, productId: 'p2', sku: 'HB1', name: 'House blend 1 kg', quantity: 1, weighed: false, unitPriceMinor: 2990, grossMinor: 2990, lineDiscountMinor: 0, cartDiscountMinor: 0, rewardDiscountMinor: 0, netMinor: 2794, taxMinor: 196, totalMinor: 2990, eligibleMinor: 2990, returnedQuantity: 0 },
  ],
  totals: { grossMinor: 3690, discountMinor: 350, taxMinor: 252, totalMinor: 3340, roundingMinor: 0, amountDueMinor: 3340, tenderedMinor: 3500, changeMinor: 160 },
  taxes: [{ rateId: 'r1', name: 'Tax 7 %', ratePercent: '7', baseMinor: 2794, taxMinor: 196 }],
  tenders: [
    { kind: 'points', amountMinor: 100, points: 100, reference: null },
    { kind: 'cash', amountMinor: 3400, points: null, reference: null },
  ],
  loyalty: { pointsName: 'beans', pointsEarned: 67, pointsRedeemed: 100, eligibleMinor: 3240, components: [], explanation: 'Base 1 pt/1.00: 27 · Coffee beans ×2: +27', balanceAfter: 349 },
  refunds: [],
  store: { code: 'CAF', name: 'Harbour Café', locale: 'de-DE', timeZone: 'Europe/Berlin', address: 'Hafenstraße 12' },
}

// The printer's bytes as text (the code page maps ASCII to itself).
const text = (b: Uint8Array) => Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : x === 0x0a ? '\n' : '.')).join('')

describe('receiptBytes', () => {
  const bytes = receiptBytes(sale)
  const t = text(bytes)

  it('starts with ESC @ and ends the paper with a cut (GS V)', () => {
    expect([bytes[0], bytes[1]]).toEqual([0x1b, 0x40])
    expect(hasCut(bytes)).toBe(true)
  })

  it('has the receipt number, in print and as a CODE128 barcode (GS k)', () => {
    expect(t).toContain('CAF-02-000123')
    const gsk = bytes.findIndex((b, i) => b === 0x1d && bytes[i + 1] === 0x6b)
    expect(gsk).toBeGreaterThan(0)
    expect(text(bytes.slice(gsk, gsk + 40))).toContain('CAF-02-000123')
  })

  it('has the lines, the totals, the tenders and the loyalty summary', () => {
    expect(t).toContain('Cappuccino')
    expect(t).toContain('TOTAL')
    expect(t).toContain('33,40')
    expect(t).toContain('Change')
    expect(t).toContain('1,60')
    expect(t).toContain('Points (100)')
    expect(t).toContain('beans earned')
    expect(t).toContain('+67')
    expect(t).toContain('New balance')
    expect(t).toContain('349')
  })

  it('fits the paper: no printed line is wider than the columns', () => {
    const narrow = text(receiptBytes(sale, { columns: 32 }))
    for (const line of narrow.split('\n')) expect(line.replace(/\.+/g, '').length).toBeLessThanOrEqual(40)
  })

  it('pulses the drawer only when asked (ESC p)', () => {
    const has = (b: Uint8Array) => b.some((x, i) => x === 0x1b && b[i + 1] === 0x70)
    expect(has(receiptBytes(sale, { openDrawer: true }))).toBe(true)
  })
})
