import { it, vi } from 'vitest'
import { makeShop } from './harness'
const declared = vi.hoisted(() => [] as { method: string | string[]; url: string; access: unknown }[])
vi.mock('fastify', async (importOriginal) => {
  const mod: any = await importOriginal()
  const original = mod.default
  const wrapped = (opts: unknown) => {
    const app = original(opts)
    app.addHook('onRoute', (r: any) => declared.push({ method: r.method, url: r.url, access: r.config?.access }))
    return app
  }
  return { ...mod, default: wrapped, fastify: wrapped }
})
it('probe', async () => {
  const shop = await makeShop('sqlite')
  console.log(declared.filter(d => d.url.startsWith('/api/v1')).map(d => JSON.stringify(d)).join('\n'))
  await shop.close()
})
