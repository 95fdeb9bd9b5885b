import { useEffect, useRef, useState } from 'react'

/** Page widths at 96 dpi: the receipt HTML sets its own body width for each layout. */
const PAPER_PX = { '80mm': 340, a4: 794 }

/**
 * The server's receipt HTML in a sandboxed iframe (srcdoc: the API's own pages refuse to be
 * framed, and the receipt needs no scripts). The frame has the paper's real width and grows to
 * its content; an A4 page is scaled down to fit beside the sale, like a print preview.
 */
export function ReceiptFrame({ html, title, layout = '80mm' }: { html: string; title: string; layout?: '80mm' | 'a4' }) {
  const frame = useRef<HTMLIFrameElement>(null)
  const box = useRef<HTMLDivElement>(null)
  const [height, setHeight] = useState(480)
  const [scale, setScale] = useState(1)
  const width = PAPER_PX[layout]

  useEffect(() => {
    const el = frame.current
    if (!el) return
    const fit = () => {
      const doc = el.contentDocument
      if (doc?.body) setHeight(Math.max(200, doc.documentElement.scrollHeight + 4))
    }
    el.addEventListener('load', fit)
    return () => el.removeEventListener('load', fit)
  }, [html])

  useEffect(() => {
    const el = box.current?.parentElement
    if (!el) return
    const measure = () => {
      const style = getComputedStyle(el)
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      setScale(Math.min(1, room / width))
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [width])

  return (
    <div ref={box} className="receipt-box" style={{ width: width * scale, height: height * scale }}>
      <iframe ref={frame} className="receipt-frame" title={title} srcDoc={html} sandbox="allow-same-origin allow-modals" style={{ width, height, transform: `scale(${scale})` }} />
    </div>
  )
}

/** Prints receipt HTML through the browser's print dialog, from a hidden iframe. */
export function printHtml(html: string): Promise<void> {
  return new Promise((resolve) => {
    const el = document.createElement('iframe')
    el.setAttribute('aria-hidden', 'true')
    el.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0;visibility:hidden'
    el.sandbox.add('allow-same-origin', 'allow-modals')
    el.srcdoc = html
    el.onload = () => {
      try {
        el.contentWindow?.focus()
        el.contentWindow?.print()
      } finally {
        window.setTimeout(() => {
          el.remove()
          resolve()
        }, 500)
      }
    }
    document.body.appendChild(el)
  })
}
