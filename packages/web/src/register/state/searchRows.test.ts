import { describe, expect, it } from 'vitest'
import { rowsWithCodes } from './searchRows'

describe('rowsWithCodes', () => {
  it('shows every row’s codes for a query with a digit', () => {
    expect(rowsWithCodes(['Americano', 'Apple juice'], '4000')).toEqual([true, true])
    expect(rowsWithCodes(['Americano', 'Apple juice'], 'sku-01')).toEqual([true, true])
    expect(rowsWithCodes(['Gouda 500 g'], 'gouda 5')).toEqual([true])
  })

  it('shows only the codes of rows whose name another row shares for a search by name', () => {
    expect(rowsWithCodes(['Americano', 'Apple juice', 'Americano', 'Apples (per kg)'], 'a')).toEqual([true, false, true, false])
    expect(rowsWithCodes(['Americano', 'Apple juice'], 'a')).toEqual([false, false])
    expect(rowsWithCodes([], 'a')).toEqual([])
  })
})
