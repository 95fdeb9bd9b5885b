import { useState } from 'react'

/**
 * Runs `reset` (which sets this component's state) in the same render in which `value`
 * changes, e.g. a dialog opening: unlike an effect, no key typed right after can slip in
 * before the reset.
 */
export function useOnChange<T>(value: T, reset: (value: T) => void): void {
  const [prev, setPrev] = useState(value)
  if (!Object.is(prev, value)) {
    setPrev(value)
    reset(value)
  }
}
