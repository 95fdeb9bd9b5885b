/**
 * A small closed-loop HTTP/1.1 load generator over raw keep-alive sockets: each connection sends
 * one request, waits for the whole response, records the latency and sends the next. Written
 * for the benchmark (no dependency), lean so that it takes little of the CPU it shares with the
 * server on a 2-core machine. Only 127.0.0.1 is ever a target.
 */
import net from 'node:net'

export interface LoadOptions {
  port: number
  connections: number
  /** Requests started before this are warm-up: answered and counted, not measured. */
  warmupMs: number
  /** Measured time after the warm-up. */
  durationMs: number
  /** The full raw HTTP request for the next request of connection `conn`. */
  nextRequest: (conn: number) => Buffer
  /** A request not answered within this is an error (the connection is dropped and reopened). */
  requestTimeoutMs?: number
  /** After the end, how long to wait for requests in flight. */
  drainMs?: number
}

export interface LoadResult {
  /** 2xx answered during the measured window, per second of it. */
  throughputPerS: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  measured: { ok: number; non2xx: number; windowMs: number }
  /** Over the whole run, warm-up and drain included (for checking against the database). */
  total: { sent: number; ok: number; non2xx: number; failed: number }
  statusCounts: Record<string, number>
  /** A few non-2xx bodies or socket errors, to say what went wrong. */
  errorSamples: string[]
}

const HEADER_END = Buffer.from('\r\n\r\n')

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const requestTimeoutMs = o.requestTimeoutMs ?? 30_000
  const drainMs = o.drainMs ?? 10_000
  const t0 = performance.now()
  const warmupEnd = t0 + o.warmupMs
  const end = warmupEnd + o.durationMs
  const latencies: number[] = []
  const statusCounts: Record<string, number> = {}
  const errorSamples: string[] = []
  const total = { sent: 0, ok: 0, non2xx: 0, failed: 0 }
  let measuredOk = 0
  let measuredNon2xx = 0
  let stopped = false
  let inFlight = 0
  const sample = (s: string) => {
    if (errorSamples.length < 8) errorSamples.push(s.slice(0, 500))
  }

  return new Promise((resolve) => {
    const conns: Conn[] = []
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      for (const c of conns) c.destroy()
      latencies.sort((a, b) => a - b)
      const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN)
      resolve({
        throughputPerS: (measuredOk / o.durationMs) * 1000,
        latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? NaN, mean: latencies.reduce((s, x) => s + x, 0) / (latencies.length || 1) },
        measured: { ok: measuredOk, non2xx: measuredNon2xx, windowMs: o.durationMs },
        total,
        statusCounts,
        errorSamples,
      })
    }

    class Conn {
      socket!: net.Socket
      buf: Buffer = Buffer.alloc(0)
      headerEnd = -1
      status = 0
      contentLength = 0
      startedAt = 0
      busy = false
      timer: NodeJS.Timeout | null = null

      constructor(readonly index: number) {
        this.open()
      }

      open() {
        this.buf = Buffer.alloc(0)
        this.headerEnd = -1
        this.socket = net.connect({ host: '127.0.0.1', port: o.port, noDelay: true })
        this.socket.on('connect', () => this.send())
        this.socket.on('data', (chunk) => this.onData(chunk))
        this.socket.on('error', (e) => this.fail(`socket: ${e.message}`))
        this.socket.on('close', () => this.fail('socket closed'))
      }

      destroy() {
        if (this.timer) clearTimeout(this.timer)
        this.socket.removeAllListeners()
        this.socket.on('error', () => {})
        this.socket.destroy()
      }

      send() {
        const now = performance.now()
        if (stopped || now >= end) {
          stopped = true
          if (inFlight === 0) finish()
          return
        }
        this.busy = true
        inFlight++
        total.sent++
        this.startedAt = now
        this.socket.write(o.nextRequest(this.index))
        this.timer = setTimeout(() => this.fail(`no answer within ${requestTimeoutMs} ms`), requestTimeoutMs)
      }

      onData(chunk: Buffer) {
        this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
        for (;;) {
          if (this.headerEnd < 0) {
            const i = this.buf.indexOf(HEADER_END)
            if (i < 0) return
            this.headerEnd = i
            const head = this.buf.toString('latin1', 0, i)
            this.status = Number(head.slice(9, 12))
            const m = /\r\ncontent-length:\s*(\d+)/i.exec(head)
            if (!m) {
              this.fail(`response without content-length: ${head.slice(0, 200)}`)
              return
            }
            this.contentLength = Number(m[1])
          }
          const size = this.headerEnd + 4 + this.contentLength
          if (this.buf.length < size) return
          const body = this.status >= 300 ? this.buf.toString('utf8', this.headerEnd + 4, size) : ''
          this.buf = this.buf.subarray(size)
          this.headerEnd = -1
          this.complete(this.status, body)
        }
      }

      complete(status: number, body: string) {
        if (!this.busy) return
        if (this.timer) clearTimeout(this.timer)
        this.busy = false
        inFlight--
        const doneAt = performance.now()
        statusCounts[status] = (statusCounts[status] ?? 0) + 1
        const ok = status >= 200 && status < 300
        if (ok) total.ok++
        else {
          total.non2xx++
          sample(`${status} ${body}`)
        }
        if (this.startedAt >= warmupEnd && doneAt <= end + drainMs) {
          latencies.push(doneAt - this.startedAt)
          if (ok) measuredOk++
          else measuredNon2xx++
        }
        this.send()
      }

      fail(why: string) {
        if (finished) return
        if (this.timer) clearTimeout(this.timer)
        if (this.busy) {
          this.busy = false
          inFlight--
          total.failed++
          statusCounts.failed = (statusCounts.failed ?? 0) + 1
          if (this.startedAt >= warmupEnd) measuredNon2xx++
          sample(why)
        }
        this.socket.removeAllListeners()
        this.socket.on('error', () => {})
        this.socket.destroy()
        if (!stopped && performance.now() < end) this.open()
        else if (inFlight === 0) finish()
      }
    }

    for (let i = 0; i < o.connections; i++) conns.push(new Conn(i))
    // Bounded in time whatever happens: the run ends at most drainMs after its end.
    setTimeout(() => {
      stopped = true
      total.failed += inFlight
      finish()
    }, o.warmupMs + o.durationMs + drainMs).unref()
  })
}
