/**
 * Sends bytes to a thermal receipt printer from the browser: WebUSB (a USB printer-class
 * device, bulk OUT endpoint) or WebSerial (a serial/Bluetooth-SPP printer). Both need a user
 * gesture for the first pairing; the browser remembers the device afterwards.
 */

// The parts of WebUSB and WebSerial used here (not in TypeScript's DOM library).
interface UsbEndpoint { direction: 'in' | 'out'; type: string; endpointNumber: number }
interface UsbAlternate { interfaceClass: number; endpoints: UsbEndpoint[] }
interface UsbInterface { interfaceNumber: number; alternate: UsbAlternate; alternates: UsbAlternate[] }
interface UsbDevice {
  opened: boolean
  configuration: { interfaces: UsbInterface[] } | null
  open(): Promise<void>
  selectConfiguration(n: number): Promise<void>
  claimInterface(n: number): Promise<void>
  transferOut(endpoint: number, data: BufferSource): Promise<unknown>
  close(): Promise<void>
}
interface Usb { getDevices(): Promise<UsbDevice[]>; requestDevice(o: { filters: { classCode?: number }[] }): Promise<UsbDevice> }
interface SerialPortLike { open(o: { baudRate: number }): Promise<void>; close(): Promise<void>; writable: WritableStream<Uint8Array> | null }
interface Serial { getPorts(): Promise<SerialPortLike[]>; requestPort(): Promise<SerialPortLike> }

type Nav = Navigator & { usb?: Usb; serial?: Serial }

export function printerSupport(): { usb: boolean; serial: boolean } {
  if (typeof navigator === 'undefined') return { usb: false, serial: false }
  const n = navigator as Nav
  return { usb: !!n.usb, serial: !!n.serial }
}

const PRINTER_CLASS = 7

async function printUsb(usb: Usb, bytes: Uint8Array): Promise<void> {
  const known = await usb.getDevices()
  const device = known[0] ?? (await usb.requestDevice({ filters: [{ classCode: PRINTER_CLASS }] }))
  if (!device.opened) await device.open()
  if (!device.configuration) await device.selectConfiguration(1)
  const iface = device.configuration!.interfaces.find((i) => i.alternates.some((a) => a.endpoints.some((e) => e.direction === 'out' && e.type === 'bulk'))) ?? device.configuration!.interfaces[0]
  await device.claimInterface(iface.interfaceNumber)
  const endpoint = iface.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk')
  if (!endpoint) throw new Error('This USB device has no printer output')
  // Small chunks: some printers' buffers are 4 kB.
  for (let i = 0; i < bytes.length; i += 4096) await device.transferOut(endpoint.endpointNumber, bytes.slice(i, i + 4096))
}

async function printSerial(serial: Serial, bytes: Uint8Array): Promise<void> {
  const known = await serial.getPorts()
  const port = known[0] ?? (await serial.requestPort())
  await port.open({ baudRate: 9600 }).catch((e: unknown) => {
    // Already open (a second receipt): write to it as it is.
    if (!(e instanceof DOMException && e.name === 'InvalidStateError')) throw e
  })
  const writer = port.writable!.getWriter()
  try {
    await writer.write(bytes)
  } finally {
    writer.releaseLock()
  }
}

/** Prints on the paired printer (asks for one the first time): USB first, else serial. */
export async function printBytes(bytes: Uint8Array, prefer: 'usb' | 'serial' | null = null): Promise<void> {
  const n = navigator as Nav
  if (n.usb && prefer !== 'serial') return printUsb(n.usb, bytes)
  if (n.serial) return printSerial(n.serial, bytes)
  throw new Error('This browser cannot reach a printer (no WebUSB or WebSerial)')
}

/** Saves the bytes as a file (for a print server, or to send with `lp -o raw`). */
export function downloadBytes(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
