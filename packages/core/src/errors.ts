/**
 * The one error type of Patron's domain. `code` is stable and part of the API contract
 * (the server maps codes to HTTP statuses in one place); `details` names the bad fields.
 */
export class PatronError extends Error {
  readonly code: string
  readonly details: Record<string, unknown>
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'PatronError'
    this.code = code
    this.details = details
  }
}

export function isPatronError(e: unknown): e is PatronError {
  return e instanceof PatronError
}
