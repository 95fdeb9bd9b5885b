import { useEffect, useRef, useState, type ReactNode } from 'react'
import { errorMessage } from '../../api/client'
import type { CustomerView } from '../../api/types'
import { Button, Dialog, IconAlert, IconCameraOff, IconCheck, IconQr, IconRefresh, IconSearch, Spinner, beep } from '../../ui'
import { cardCodeOf, findMemberByCard } from '../state/members'
import { qrReader, type QrReader } from './qrDecoder'

interface Problem {
  title: string
  message: ReactNode
  icon: 'camera' | 'card'
  /** The label of the button that starts the camera again. */
  retry: string
}

type Phase = { kind: 'starting' } | { kind: 'live' } | { kind: 'found'; code: string } | { kind: 'problem'; problem: Problem }

/** Time between two reads of the picture (after the one before has finished). */
const READ_EVERY_MS = 120
/** How long "not a member card" stays up after that code was last seen. */
const NOTICE_MS = 2500

/**
 * The camera view of the member dialog: a live picture with a frame to hold the member's QR code
 * in. A card code found stops the camera and looks the member up; `onMember` gets them. The
 * camera is off whenever this view is not on screen (Esc, the close button, unmount).
 */
export function CameraScanDialog({ open, onClose, onMember, onTypeInstead }: { open: boolean; onClose: () => void; onMember: (c: CustomerView) => void; onTypeInstead: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Scan a member card" description="Hold the QR code on the member’s card or phone inside the frame." size="md" className="camera-dialog">
      {open ? <CameraScan onMember={onMember} onTypeInstead={onTypeInstead} /> : null}
    </Dialog>
  )
}

function CameraScan({ onMember, onTypeInstead }: { onMember: (c: CustomerView) => void; onTypeInstead: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null)
  const stillRef = useRef<HTMLCanvasElement>(null)
  const [attempt, setAttempt] = useState(0)
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' })
  const [notice, setNotice] = useState(false)
  const actionsRef = useRef<HTMLDivElement>(null)
  const onMemberRef = useRef(onMember)
  onMemberRef.current = onMember

  useEffect(() => {
    let disposed = false
    let stream: MediaStream | null = null
    let readTimer = 0
    let noticeTimer = 0
    let lastWrong: string | null = null
    const lookup = new AbortController()
    setPhase({ kind: 'starting' })
    setNotice(false)

    const stopCamera = () => {
      window.clearTimeout(readTimer)
      stream?.getTracks().forEach((t) => t.stop())
      stream = null
      const v = videoRef.current
      if (v) v.srcObject = null
    }
    const fail = (problem: Problem) => {
      stopCamera()
      if (!disposed) setPhase({ kind: 'problem', problem })
    }

    const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined
    if (!media?.getUserMedia) {
      fail(window.isSecureContext ? NO_CAMERA_API : INSECURE)
      return () => {
        disposed = true
      }
    }

    // The reader loads while the browser asks for the camera.
    const reading = qrReader()
    reading.catch(() => {})

    async function found(code: string, video: HTMLVideoElement) {
      // Keep the picture the code was read from on screen while the member is looked up.
      const still = stillRef.current
      const ctx = still?.getContext('2d')
      if (still && ctx && video.videoWidth) {
        still.width = video.videoWidth
        still.height = video.videoHeight
        ctx.drawImage(video, 0, 0)
      }
      stopCamera()
      setNotice(false)
      setPhase({ kind: 'found', code })
      try {
        const member = await findMemberByCard(code, lookup.signal)
        if (disposed) return
        if (!member) {
          beep('error')
          fail({ icon: 'card', title: 'Unknown card', message: <>No member has the card <strong className="num">{code}</strong>. Check the card, or find the member by phone or name.</>, retry: 'Scan again' })
          return
        }
        beep('ok')
        onMemberRef.current(member)
      } catch (e) {
        if (disposed) return
        beep('error')
        fail({ icon: 'card', title: 'The card could not be looked up', message: `${errorMessage(e).replace(/\.?$/, '.')} Try again in a moment.`, retry: 'Scan again' })
      }
    }

    async function loop(video: HTMLVideoElement, read: QrReader) {
      if (disposed || !stream) return
      let text: string | null = null
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        try {
          text = await read(video)
        } catch {
          text = null
        }
      }
      if (disposed || !stream) return
      if (text !== null) {
        const code = cardCodeOf(text)
        if (code) {
          void found(code, video)
          return
        }
        // Some other QR code (a menu, a payment code): say so, and keep looking.
        if (text !== lastWrong) beep('error')
        lastWrong = text
        setNotice(true)
        window.clearTimeout(noticeTimer)
        noticeTimer = window.setTimeout(() => {
          lastWrong = null
          setNotice(false)
        }, NOTICE_MS)
      }
      readTimer = window.setTimeout(() => void loop(video, read), READ_EVERY_MS)
    }

    void (async () => {
      let s: MediaStream
      try {
        s = await media.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      } catch (e) {
        fail(cameraProblem(e))
        return
      }
      if (disposed) {
        s.getTracks().forEach((t) => t.stop())
        return
      }
      stream = s
      const video = videoRef.current
      if (!video) return stopCamera()
      video.srcObject = s
      void video.play().catch(() => {})
      let read: QrReader
      try {
        read = await reading
      } catch {
        fail({ icon: 'camera', title: 'The QR reader did not load', message: 'Check the connection to the Patron server, then try again. Card codes can still be typed or scanned into the search.', retry: 'Try again' })
        return
      }
      if (disposed || !stream) return
      setPhase({ kind: 'live' })
      void loop(video, read)
    })()

    return () => {
      disposed = true
      lookup.abort()
      window.clearTimeout(noticeTimer)
      stopCamera()
    }
  }, [attempt])

  const problem = phase.kind === 'problem' ? phase.problem : null
  // A problem: Enter (or a tap) tries again.
  useEffect(() => {
    if (problem) actionsRef.current?.querySelector<HTMLElement>('[data-retry]')?.focus()
  }, [problem])

  return (
    <div className="camera-scan">
      <div className="camera" data-phase={phase.kind}>
        <video ref={videoRef} className="camera__video" muted playsInline autoPlay aria-label="Camera picture" />
        <canvas ref={stillRef} className="camera__still" aria-hidden="true" />
        {problem ? null : (
          <div className="camera__guide" aria-hidden="true">
            <span className="camera__line" />
          </div>
        )}
        {phase.kind === 'starting' ? (
          <div className="camera__overlay">
            <Spinner />
            <span>Starting the camera… Allow it if the browser asks.</span>
          </div>
        ) : null}
        {notice && phase.kind === 'live' ? (
          <div className="camera__notice" role="alert">
            <IconAlert size={18} />
            <span>
              <strong>Not a Patron member card.</strong> Show the QR code on the member’s card or in their app.
            </span>
          </div>
        ) : null}
        {problem ? (
          <div className="camera__problem" role="alert">
            <span className="camera__problem-icon">{problem.icon === 'camera' ? <IconCameraOff size={28} /> : <IconQr size={28} />}</span>
            <strong className="camera__problem-title">{problem.title}</strong>
            <p>{problem.message}</p>
          </div>
        ) : null}
      </div>
      <div className="camera-scan__footer">
        {phase.kind === 'found' ? (
          <p className="camera-scan__status camera-scan__status--found" role="status">
            <IconCheck size={18} />
            <span>
              Card <strong className="num">{phase.code}</strong> · finding the member…
            </span>
            <Spinner />
          </p>
        ) : phase.kind === 'live' ? (
          <p className="camera-scan__status" role="status">
            <span className="camera-scan__dot" aria-hidden="true" />
            <span>Camera on · looking for a member card</span>
          </p>
        ) : null}
        <div className="camera-scan__actions" ref={actionsRef}>
          <Button variant="ghost" icon={<IconSearch size={18} />} onClick={onTypeInstead}>
            Find by phone or name
          </Button>
          {problem ? (
            <Button variant="primary" icon={<IconRefresh size={18} />} onClick={() => setAttempt((n) => n + 1)} data-retry>
              {problem.retry}
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  )
}

const INSECURE: Problem = {
  icon: 'camera',
  title: 'No camera on this address',
  message: 'Browsers allow the camera only on a secure (https://) address. Open the register over https, or type or scan the card code into the search.',
  retry: 'Try again',
}
const NO_CAMERA_API: Problem = { icon: 'camera', title: 'No camera', message: 'This browser cannot use a camera. Type or scan the card code into the search instead.', retry: 'Try again' }

/** What went wrong starting the camera, in the words a cashier needs. */
function cameraProblem(e: unknown): Problem {
  const name = (e as { name?: string } | null)?.name ?? ''
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
    return { icon: 'camera', title: 'Camera permission denied', message: 'The browser is not allowed to use the camera. Allow the camera for this site (the camera sign in the address bar or the browser’s site settings), then try again.', retry: 'Try again' }
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    return { icon: 'camera', title: 'No camera found', message: 'This device has no camera the register can use. Type or scan the card code into the search instead.', retry: 'Try again' }
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return { icon: 'camera', title: 'The camera is busy', message: 'Another app or browser tab is using the camera. Close it, then try again.', retry: 'Try again' }
  }
  return { icon: 'camera', title: 'The camera did not start', message: e instanceof Error && e.message ? e.message : 'Try again, or type the card code into the search.', retry: 'Try again' }
}
