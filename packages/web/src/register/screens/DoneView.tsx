import { useEffect, useState } from 'react'
import { api, ApiError, errorMessage } from '../../api/client'
import { Button, Badge, Input, IconCheck, IconPrint, IconWifiOff, IconStar, IconReceipt, Segmented, Spinner, cx, useToast } from '../../ui'
import { downloadBytes, printBytes, printerSupport } from '../print/printer'
import type { ReceiptView } from '../print/escpos'
import { tenderLabel, useFormat } from '../format'
import { useShortcuts } from '../hooks/useShortcuts'
import { ReceiptFrame, printHtml } from '../components/ReceiptFrame'
import type { Completed } from './PaymentView'

/** After payment: change in big type, the receipt as the server renders it, print 80 mm or A4. */
export function DoneView({ completed, onNewSale }: { completed: Completed; onNewSale: () => void }) {
  const f = useFormat()
  const { sale, settled } = completed
  const change = sale ? sale.totals.changeMinor : settled.changeMinor
  const [layout, setLayout] = useState<'80mm' | 'a4'>('80mm')
  const [html, setHtml] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [printing, setPrinting] = useState(false)
  const toast = useToast()
  const support = printerSupport()
  const [thermal, setThermal] = useState<null | 'print' | 'download'>(null)
  // Email: sent to the member's address, or to one the cashier types in when there is none.
  const [emailAsk, setEmailAsk] = useState(false)
  const [emailTo, setEmailTo] = useState('')
  const [emailBusy, setEmailBusy] = useState(false)
  const [emailError, setEmailError] = useState<string | null>(null)
  const [sentTo, setSentTo] = useState<string | null>(null)

  async function sendEmail(to: string | null) {
    if (!sale) return
    setEmailBusy(true)
    setEmailError(null)
    try {
      const r = await api.post<{ sentTo: string }>(`/sales/${sale.id}/receipt/email`, to ? { to } : {})
      setSentTo(r.sentTo)
      setEmailAsk(false)
      toast.show({ kind: 'success', title: 'Receipt emailed', message: `Sent to ${r.sentTo}` })
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NO_EMAIL_ADDRESS') {
        setEmailAsk(true)
        setEmailError(to ? e.message : null)
      } else if (e instanceof ApiError && e.code === 'VALIDATION_FAILED') {
        setEmailAsk(true)
        setEmailError('That is not an email address.')
      } else setEmailError(errorMessage(e))
    } finally {
      setEmailBusy(false)
    }
  }

  /** The receipt as ESC/POS bytes, built in the browser from the sale (the encoder loads on first use). */
  async function escPos(which: 'print' | 'download') {
    if (!sale) return
    setThermal(which)
    try {
      const [view, { receiptBytes }] = await Promise.all([api.get<ReceiptView>(`/sales/${sale.id}/receipt`), import('../print/escpos')])
      const bytes = receiptBytes(view)
      if (which === 'download') downloadBytes(bytes, `receipt-${sale.receiptNo}.bin`)
      else {
        await printBytes(bytes)
        toast.show({ kind: 'success', title: 'Sent to the receipt printer' })
      }
    } catch (e) {
      // Closing the browser's device picker is not an error.
      if (!(e instanceof DOMException && e.name === 'NotFoundError')) toast.show({ kind: 'error', title: 'Could not print', message: errorMessage(e) })
    } finally {
      setThermal(null)
    }
  }

  useEffect(() => {
    if (!sale) return
    let alive = true
    setHtml(null)
    api
      .get<string>(`/sales/${sale.id}/receipt?format=html&layout=${layout}`, { headers: { accept: 'text/html' } })
      .then((h) => alive && setHtml(h))
      .catch((e) => alive && setError(errorMessage(e)))
    return () => {
      alive = false
    }
  }, [sale, layout])

  useShortcuts({ Enter: onNewSale, F12: onNewSale, 'Ctrl+P': () => void print(layout) })

  async function print(which: '80mm' | 'a4') {
    if (!sale) return
    setPrinting(true)
    try {
      const h = which === layout && html ? html : await api.get<string>(`/sales/${sale.id}/receipt?format=html&layout=${which}`, { headers: { accept: 'text/html' } })
      await printHtml(h)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setPrinting(false)
    }
  }

  const points = sale?.loyalty ?? null
  return (
    <div className="done">
      <section className="done__summary" aria-label="Sale complete">
        <div className={cx('done__status', !sale && 'is-offline')}>
          <span className="done__check">{sale ? <IconCheck size={28} /> : <IconWifiOff size={26} />}</span>
          <div>
            <h1>{sale ? 'Sale complete' : 'Sale saved on this register'}</h1>
            <p className="muted">
              {sale ? (
                <>
                  Receipt <strong data-testid="receipt-no">{sale.receiptNo}</strong>
                </>
              ) : (
                'No connection: it is sent as soon as the server is back, with the same id (never twice).'
              )}
            </p>
          </div>
        </div>

        <div className={cx('change', change === 0 && 'change--none')}>
          <span className="change__label">{change > 0 ? 'Change' : 'No change due'}</span>
          <strong className="change__amount num" data-testid="change-due" data-minor={change}>{f.money(change)}</strong>
        </div>

        <dl className="done__facts">
          <div>
            <dt>Total</dt>
            <dd className="num" data-testid="done-total" data-minor={sale ? sale.totals.amountDueMinor : settled.amountDueMinor}>{f.money(sale ? sale.totals.amountDueMinor : settled.amountDueMinor)}</dd>
          </div>
          {settled.tenders.map((x, i) => (
            <div key={i}>
              <dt>
                {tenderLabel(x.kind)}
                {x.reference ? <small className="muted"> · {x.reference}</small> : null}
              </dt>
              <dd className="num">{f.money(x.amountMinor)}</dd>
            </div>
          ))}
          {(sale?.totals.roundingMinor ?? settled.roundingMinor) !== 0 ? (
            <div>
              <dt>Cash rounding</dt>
              <dd className="num">{f.money(sale?.totals.roundingMinor ?? settled.roundingMinor)}</dd>
            </div>
          ) : null}
        </dl>

        {points ? (
          <div className="done__points">
            <IconStar />
            <div>
              <strong data-testid="points-earned" data-points={points.pointsEarned}>
                +{f.points(points.pointsEarned)} {points.pointsName}
              </strong>
              {points.pointsRedeemed > 0 ? <span className="muted" data-testid="points-redeemed"> · −{f.points(points.pointsRedeemed)} used</span> : null}
              <span className="muted"> · new balance <span data-testid="balance-after">{f.points(points.balanceAfter)}</span></span>
              <div className="small muted">{points.explanation}</div>
            </div>
          </div>
        ) : !sale && completed.earn && completed.cart.member ? (
          <div className="done__points">
            <IconStar />
            <div>
              <strong>
                +{f.points(completed.earn.total)} {completed.pointsName}
              </strong>
              <span className="muted"> when the sale is sent</span>
            </div>
          </div>
        ) : null}

        {sale ? (
          <div className="done__email">
            {emailAsk ? (
              <form
                className="done__email-form"
                onSubmit={(e) => {
                  e.preventDefault()
                  if (emailTo.trim()) void sendEmail(emailTo.trim())
                }}
              >
                <Input label={sale.customerId ? 'The member has no email: send to' : 'Send the receipt to'} type="email" value={emailTo} onChange={(e) => setEmailTo(e.target.value)} placeholder="name@example.com" autoComplete="off" autoFocus error={emailError ?? undefined} />
                <Button type="submit" variant="secondary" busy={emailBusy} disabled={!emailTo.trim()}>
                  Send
                </Button>
              </form>
            ) : (
              <Button variant="secondary" block icon={<IconReceipt size={18} />} busy={emailBusy} onClick={() => (sale.customerId ? void sendEmail(null) : setEmailAsk(true))}>
                {sentTo ? 'Email again' : 'Email receipt'}
              </Button>
            )}
            {sentTo ? (
              <p className="small muted" data-testid="email-sent">
                Receipt sent to <strong>{sentTo}</strong>
              </p>
            ) : null}
            {emailError && !emailAsk ? <p className="form-error">{emailError}</p> : null}
          </div>
        ) : null}

        <Button variant="primary" size="xl" block onClick={onNewSale} kbd="Enter" data-autofocus>
          New sale
        </Button>
      </section>

      <section className="done__receipt" aria-label="Receipt">
        <div className="done__receipt-bar">
          <Segmented label="Paper" value={layout} onChange={setLayout} options={[{ value: '80mm', label: '80 mm roll' }, { value: 'a4', label: 'A4' }]} />
          <span className="done__receipt-actions">
            {support.usb || support.serial ? (
              <Button variant="secondary" size="sm" icon={<IconPrint size={18} />} onClick={() => void escPos('print')} disabled={!sale} busy={thermal === 'print'} title="ESC/POS over USB or serial">
                Thermal printer
              </Button>
            ) : null}
            <Button variant="ghost" size="sm" onClick={() => void escPos('download')} disabled={!sale} busy={thermal === 'download'} title="The ESC/POS bytes, for a print server">
              Download .bin
            </Button>
            <Button variant="secondary" icon={<IconPrint size={18} />} onClick={() => void print(layout)} disabled={!sale} busy={printing} kbd="Ctrl+P">
              Print
            </Button>
          </span>
        </div>
        <div className={cx('paper', layout === 'a4' && 'paper--a4')}>
          {!sale ? (
            <div className="paper__offline">
              <Badge tone="warning">Waiting to send</Badge>
              <p>The printed receipt is available once the sale reaches the server (Returns → find it by number).</p>
            </div>
          ) : error ? (
            <p className="form-error">{error}</p>
          ) : html ? (
            <ReceiptFrame html={html} title={`Receipt ${sale.receiptNo}`} layout={layout} />
          ) : (
            <Spinner label="Loading the receipt" />
          )}
        </div>
      </section>
    </div>
  )
}
