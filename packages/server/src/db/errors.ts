/**
 * A unique or primary-key violation, on either database. Two requests with the same client id
 * can both pass the "already recorded?" check and race to insert; the loser sees this and then
 * answers as a replay of the winner.
 */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}
