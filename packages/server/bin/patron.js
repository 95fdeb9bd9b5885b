#!/usr/bin/env node
// The `patron` command. Patron runs its TypeScript directly through tsx (no build step).
import { register } from 'tsx/esm/api'

register()
await import('../src/cli.ts')
