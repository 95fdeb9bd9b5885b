import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { instantOfLocal, localAt, localPeriodStart, storeLocalDate, storeLocalTime } from './local-time'

describe('store-local time', () => {
  it('reads an instant on the store’s wall clock', () => {
    expect(storeLocalTime('2024-06-03T23:30:00Z', 'Europe/Berlin')).toMatchObject({ date: '2024-06-04', weekday: 2, hour: 1, minute: 30 })
    expect(storeLocalDate('2024-06-03T23:30:00Z', 'America/New_York')).toBe('2024-06-03')
    expect(storeLocalTime('2024-06-03T23:30:00+09:00', 'Asia/Tokyo')).toMatchObject({ date: '2024-06-03', hour: 23 })
  })

  it('finds the instant of a wall-clock time, around DST changes', () => {
    const berlin = (y: number, m: number, d: number, h: number, mi = 0) =>
      new Date(instantOfLocal({ year: y, month: m, day: d, hour: h, minute: mi }, 'Europe/Berlin')).toISOString()
    expect(berlin(2024, 1, 1, 0)).toBe('2023-12-31T23:00:00.000Z')
    // 31 March 2024, 02:30 does not exist in Berlin: read with the winter offset.
    expect(berlin(2024, 3, 31, 2, 30)).toBe('2024-03-31T01:30:00.000Z')
    // 27 October 2024, 02:30 happens twice: the first one (summer time).
    expect(berlin(2024, 10, 27, 2, 30)).toBe('2024-10-27T00:30:00.000Z')
    expect(berlin(2024, 10, 27, 3, 30)).toBe('2024-10-27T02:30:00.000Z')
  })

  it('starts the store-local day, week, month and year at local midnight, not at UTC midnight', () => {
    // 23:30 UTC on Sunday 30 June 2024 is 01:30 on Monday 1 July in Berlin.
    const at = '2024-06-30T23:30:00.000Z'
    expect(localPeriodStart('day', at, 'Europe/Berlin')).toBe('2024-06-30T22:00:00.000Z')
    expect(localPeriodStart('week', at, 'Europe/Berlin')).toBe('2024-06-30T22:00:00.000Z')
    expect(localPeriodStart('month', at, 'Europe/Berlin')).toBe('2024-06-30T22:00:00.000Z')
    expect(localPeriodStart('year', at, 'Europe/Berlin')).toBe('2023-12-31T23:00:00.000Z')
    // The same instant is still Sunday 30 June in New York.
    expect(localPeriodStart('day', at, 'America/New_York')).toBe('2024-06-30T04:00:00.000Z')
    expect(localPeriodStart('week', at, 'America/New_York')).toBe('2024-06-24T04:00:00.000Z')
    expect(localPeriodStart('month', at, 'America/New_York')).toBe('2024-06-01T04:00:00.000Z')
    // The Monday after the change to winter time starts at 23:00 UTC, not 22:00.
    expect(localPeriodStart('week', '2024-10-30T12:00:00.000Z', 'Europe/Berlin')).toBe('2024-10-27T23:00:00.000Z')
  })
})

describe('localAt', () => {
  // localAt caches offsets per UTC hour; this checks the cache against Intl itself.
  it('agrees with Intl for any instant in zones with DST, half-hour and odd offsets', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Sao_Paulo', 'UTC']
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const text = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms)
        const l = localAt(ms, zone)
        const pad = (n: number) => String(n).padStart(2, '0')
        expect(`${l.date} ${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })
})
