import { describe, expect, it } from 'vitest'
import { isPatronError } from '../errors'
import { add, compare, fromParts, mul, percent, ratio, subClamp, toDecimalString, toPercentString } from './ratio'

describe('ratio parsing', () => {
  it('parses decimals exactly and reduces them', () => {
    expect(ratio('8.875')).toEqual({ num: 71n, den: 8n })
    expect(ratio('19')).toEqual({ num: 19n, den: 1n })
    expect(ratio('0.1')).toEqual({ num: 1n, den: 10n })
    expect(ratio(' 1.50 ')).toEqual({ num: 3n, den: 2n })
    expect(ratio('0')).toEqual({ num: 0n, den: 1n })
  })

  it('percent("19") is 19/100 and percent("7.7") is 77/1000', () => {
    expect(percent('19')).toEqual({ num: 19n, den: 100n })
    expect(percent('7.7')).toEqual({ num: 77n, den: 1000n })
    expect(percent(5)).toEqual({ num: 1n, den: 20n })
  })

  it('0.1 + 0.2 is exactly 0.3 (no binary floats)', () => {
    expect(compare(add(ratio('0.1'), ratio('0.2')), ratio('0.3'))).toBe(0)
  })

  it.each(['-1', '1e3', 'abc', '', '1.', '.5', '1.2.3', '1,5', 'NaN'])('rejects %j with INVALID_DECIMAL', (text) => {
    try {
      ratio(text)
      expect.unreachable()
    } catch (e) {
      expect(isPatronError(e) && e.code).toBe('INVALID_DECIMAL')
    }
  })

  it('fromParts rejects a zero denominator', () => {
    expect(() => fromParts(1, 0)).toThrow(expect.objectContaining({ code: 'INVALID_DECIMAL' }))
  })

  it('multiplies, subtracts with clamp, prints', () => {
    expect(mul(ratio('1.5'), ratio('2'))).toEqual({ num: 3n, den: 1n })
    expect(subClamp(ratio('0.5'), ratio('1'))).toEqual({ num: 0n, den: 1n })
    expect(toDecimalString(ratio('8.875'))).toBe('8.875')
    expect(toDecimalString(fromParts(1, 3))).toBe('0.333333333')
    expect(toPercentString(percent('7.7'))).toBe('7.7')
  })
})
