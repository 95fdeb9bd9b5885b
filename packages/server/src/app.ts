import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { isPatronError } from '@patron/core'
import type { AppContext } from './context'
import { ERROR_STATUS, statusFor } from './http/errors'
import { registerAuth } from './http/auth'
import { registerIdempotency } from './http/idempotency'
import { documentResponses } from './http/openapi-responses'
import { staffRoutes } from './features/staff/staff.routes'
import { catalogRoutes } from './features/catalog/catalog.routes'
import { customerRoutes } from './features/customers/customers.routes'
import { storeRoutes } from './features/stores/stores.routes'
import { cashRoutes } from './features/cash/cash.routes'
import { salesRoutes } from './features/sales/sales.routes'
import { loyaltyRoutes } from './features/loyalty/loyalty.routes'
import { rewardRoutes } from './features/rewards/rewards.routes'
import { programRoutes } from './features/loyalty/program.routes'
import { reportRoutes } from './features/reports/reports.routes'
import { homePage } from './http/home'
import { registerWebApp } from './http/web-app'
import { registerRoutes } from './features/register/register.routes'

export type App = FastifyInstance

/** Builds the HTTP app. Never listens: main.ts does, tests use app.inject. */
export async function buildApp(ctx: AppContext, options: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Bodies are small JSON documents; a 1 MiB limit stops abuse without hurting real carts.
    bodyLimit: 1024 * 1024,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  app.setErrorHandler((error: any, req, reply) => {
    if (isPatronError(error)) {
      return reply.status(statusFor(error.code)).send({ error: { code: error.code, message: error.message, details: error.details } })
    }
    if (error.validation) {
      const fields = (error.validation as any[]).map((v) => ({
        field: fieldPath(v),
        message: v.message,
      }))
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
          details: { fields },
        },
      })
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'BODY_TOO_LARGE'
            : error.statusCode === 404
              ? 'NOT_FOUND'
              : error instanceof SyntaxError || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
                ? 'INVALID_JSON'
                : 'BAD_REQUEST'
      return reply.status(error.statusCode).send({ error: { code, message: error.message, details: {} } })
    }
    req.log.error(error)
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged', details: {} } })
  })
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}`, details: {} } }),
  )

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('x-frame-options', 'DENY')
    if (!reply.getHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
    }
    return payload
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Patron API',
        version: '1.0.0',
        description:
          'Point of sale and loyalty. Amounts are integers in minor units with the currency beside them; ' +
          'points are integers. Errors are `{ "error": { "code", "message", "details" } }` with a stable code; ' +
          'validation errors list every bad field in `details.fields`.\n\n' +
          '| HTTP status | error codes |\n| --- | --- |\n' +
          [...new Set(Object.values(ERROR_STATUS))]
            .sort()
            .map((status) => `| ${status} | ${Object.keys(ERROR_STATUS).filter((c) => ERROR_STATUS[c] === status).map((c) => `\`${c}\``).join(' ')} |`)
            .join('\n'),
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key created with `patron apikey create`' },
          session: { type: 'apiKey', in: 'cookie', name: 'patron_session' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: {
                  code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
                  message: { type: 'string' },
                  details: { type: 'object' },
                },
              },
            },
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: documentResponses(jsonSchemaTransform),
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  registerAuth(app, ctx)
  registerIdempotency(app, ctx)

  app.get('/api/health', { schema: { hide: true } }, async () => {
    await ctx.db.kysely.selectFrom('organisations').select('id').limit(1).execute()
    return { status: 'ok', database: ctx.db.dialect }
  })
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html').send(homePage()))
  await registerWebApp(app)

  await app.register(
    async (v1) => {
      await staffRoutes(v1, ctx)
      await storeRoutes(v1, ctx)
      await catalogRoutes(v1, ctx)
      await customerRoutes(v1, ctx)
      await cashRoutes(v1, ctx)
      await salesRoutes(v1, ctx)
      await loyaltyRoutes(v1, ctx)
      await rewardRoutes(v1, ctx)
      await programRoutes(v1, ctx)
      await reportRoutes(v1, ctx)
      await registerRoutes(v1, ctx)
    },
    { prefix: '/api/v1' },
  )
  await app.ready()
  return app
}

function fieldPath(v: any): string {
  const where = v.instancePath || v.params?.issue?.path?.join('.') || ''
  // Array indices in brackets (lines[0].quantity): the notation the use cases' own errors use
  // (UNKNOWN_PRODUCT names lines[0].productId), so a client maps every error to a field one way.
  const path = String(where).replace(/^\//, '').replace(/\//g, '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')
  return path || v.params?.missingProperty || '(body)'
}
