import { hash, verify } from '@node-rs/argon2'

// argon2id (the @node-rs default algorithm) with its recommended memory and time costs.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, OPTIONS)
}

export async function verifySecret(hashed: string | null, secret: string): Promise<boolean> {
  if (!hashed) return false
  try {
    return await verify(hashed, secret)
  } catch {
    return false
  }
}

export const PIN_PATTERN = /^\d{4,6}$/
