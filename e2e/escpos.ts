import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder'

// Reads ESC/POS bytes the way a thermal printer does: commands change the state (code page,
// alignment, size, cut), everything else is text in the current code page. What a test gets
// back is the paper: the printed lines, the barcodes and whether the paper was cut.

/** ESC t n → code page, as the encoder's default "epson" mapping numbers them. */
const EPSON_CODEPAGES: Record<number, Codepage> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  11: 'cp851',
  12: 'cp853',
  13: 'cp857',
  14: 'cp737',
  15: 'iso8859-7',
  16: 'windows1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
}

const tables = new Map<string, Map<number, string>>()

/** Byte → character for a code page, from the same tables the printer encoder uses. */
function tableFor(codepage: Codepage): Map<number, string> {
  let table = tables.get(codepage)
  if (table) return table
  const points = CodepageEncoder.getCodepoints(codepage, true)
  const base = points.length <= 128 ? 0x80 : 0
  table = new Map(points.map((p, i) => [base + i, String.fromCharCode(p)] as const))
  tables.set(codepage, table)
  return table
}

export interface Paper {
  /** The printed lines, trailing spaces removed. */
  lines: string[]
  /** The data of every barcode (GS k), in print order. */
  barcodes: string[]
  cut: boolean
  drawerPulse: boolean
}

export function decodeEscPos(bytes: Uint8Array): Paper {
  const paper: Paper = { lines: [], barcodes: [], cut: false, drawerPulse: false }
  let codepage: Codepage = 'cp437'
  let line = ''
  const unknown = (i: number) => new Error(`unknown ESC/POS command at byte ${i}: ${Array.from(bytes.slice(i, i + 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`)
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    if (b === 0x1b) {
      const c = bytes[i + 1]
      if (c === 0x40 || c === 0x32) i += 2 // initialize; default line spacing
      else if (c === 0x74) {
        const name = EPSON_CODEPAGES[bytes[i + 2]]
        if (!name) throw new Error(`code page ${bytes[i + 2]} is not in the epson table`)
        codepage = name
        i += 3
      } else if ([0x61, 0x45, 0x2d, 0x34, 0x4d, 0x33, 0x64, 0x4a, 0x21, 0x47].includes(c)) i += 3 // align, bold, underline, italic, font, spacing, feed, mode
      else if (c === 0x70) {
        paper.drawerPulse = true
        i += 5
      } else throw unknown(i)
    } else if (b === 0x1d) {
      const c = bytes[i + 1]
      if (c === 0x56) {
        paper.cut = true
        i += bytes[i + 2] >= 0x41 ? 4 : 3
      } else if (c === 0x6b) {
        const m = bytes[i + 2]
        if (m > 0x40) {
          const n = bytes[i + 3]
          let data = String.fromCharCode(...bytes.slice(i + 4, i + 4 + n))
          if (m === 0x49) data = data.replace(/^\{[ABC]/, '') // CODE128 starts with its code set
          paper.barcodes.push(data)
          i += 4 + n
        } else {
          let end = i + 3
          while (end < bytes.length && bytes[end] !== 0) end++
          paper.barcodes.push(String.fromCharCode(...bytes.slice(i + 3, end)))
          i = end + 1
        }
      } else if ([0x68, 0x77, 0x48, 0x42, 0x21, 0x66].includes(c)) i += 3 // barcode height/width/text, invert, size, HRI font
      else if (c === 0x28) i += 5 + bytes[i + 3] + (bytes[i + 4] << 8) // GS ( k …
      else if (c === 0x50) i += 4
      else throw unknown(i)
    } else if (b === 0x1c) {
      if (bytes[i + 1] === 0x2e) i += 2 // cancel Kanji mode
      else throw unknown(i)
    } else if (b === 0x0a) {
      paper.lines.push(line.trimEnd())
      line = ''
      i++
    } else if (b === 0x0d) i++
    else {
      line += b < 0x80 ? String.fromCharCode(b) : (tableFor(codepage).get(b) ?? '\ufffd')
      i++
    }
  }
  if (line.trim()) paper.lines.push(line.trimEnd())
  return paper
}
