import { describe, expect, it } from 'vitest'
import { CARD_CODE, cardCodeOf } from './members'

describe('cardCodeOf: what a scanned QR code means', () => {
  it('takes a Patron card code, in any case and with stray spaces or a line end', () => {
    expect(cardCodeOf('P7KQ2MX9RT')).toBe('P7KQ2MX9RT')
    expect(cardCodeOf('p7kq2mx9rt')).toBe('P7KQ2MX9RT')
    expect(cardCodeOf('  P7KQ2MX9RT\n')).toBe('P7KQ2MX9RT')
    expect(CARD_CODE.test(cardCodeOf('p7kq2mx9rt')!)).toBe(true)
  })

  it('takes a shop’s own card codes (4 to 32 letters and digits), as the server does', () => {
    expect(cardCodeOf('CAFE0042')).toBe('CAFE0042')
    expect(cardCodeOf('1234')).toBe('1234')
    expect(cardCodeOf('A'.repeat(32))).toBe('A'.repeat(32))
  })

  it('refuses what cannot be a member card', () => {
    for (const text of ['https://harbour-cafe.example/menu', 'WIFI:S:cafe;T:WPA;P:secret;;', 'P7KQ 2MX9RT', 'ABC', 'A'.repeat(33), '', 'BEGIN:VCARD', 'Ümlaut123']) {
      expect(cardCodeOf(text), text).toBeNull()
    }
  })
})
