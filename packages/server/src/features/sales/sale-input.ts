import { z } from 'zod'

const ZDiscount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), amountMinor: z.number().int().min(0).max(1_000_000_000) }),
  z.object({ kind: z.literal('percent'), percent: z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, 'a percent like "10" or "12.5"') }),
])

export const ZSaleLineInput = z
  .object({
    productId: z.string().min(1).optional(),
    /** A custom item (no product): needs name, unitPriceMinor and taxClassId. */
    name: z.string().min(1).max(200).optional(),
    taxClassId: z.string().optional(),
    quantity: z.number().int().min(1).max(100_000_000),
    /** A price override (needs permission) or a custom item's price. */
    unitPriceMinor: z.number().int().min(0).max(1_000_000_000).optional(),
    discount: ZDiscount.nullish(),
  })
  .refine((l) => l.productId || (l.name && l.unitPriceMinor !== undefined && l.taxClassId), {
    message: 'a line needs a productId, or name + unitPriceMinor + taxClassId for a custom item',
  })

export const ZTenderInput = z.object({
  kind: z.enum(['cash', 'card', 'gift_card', 'store_credit', 'points', 'other']),
  amountMinor: z.number().int().min(0).max(10_000_000_000),
  reference: z.string().max(120).nullish(),
})

export const ZSaleInput = z.object({
  /** Client-generated id (UUID v4 or v7), made when the cart was opened: the sale's idempotency key. */
  id: z.string().uuid(),
  terminalId: z.string().optional(),
  storeId: z.string().optional(),
  channel: z.enum(['pos', 'online']).optional(),
  customerId: z.string().nullish(),
  lines: z.array(ZSaleLineInput).min(1).max(500),
  cartDiscount: ZDiscount.nullish(),
  tenders: z.array(ZTenderInput).min(1).max(20),
  /** When the sale happened (offline sales: the terminal's time). Defaults to now. */
  soldAt: z.string().datetime({ offset: true }).optional(),
  /** The order number of an online order. */
  externalRef: z.string().max(120).nullish(),
  /** Voucher codes (rewards turned into codes from points) to use on this sale. */
  vouchers: z.array(z.string().min(4).max(40)).max(10).optional(),
  /** A manager's PIN entered in place for a discount or price override above the cashier's limit. */
  approval: z.object({ staffId: z.string(), pin: z.string().regex(/^\d{4,6}$/) }).nullish(),
})

export type TSaleInput = z.infer<typeof ZSaleInput>

export const ZRefundInput = z.object({
  /** Client-generated id of the refund: its idempotency key. */
  id: z.string().uuid(),
  lines: z
    .array(z.object({ lineNo: z.number().int().min(1), quantity: z.number().int().min(1), restock: z.boolean().default(true) }))
    .min(1)
    .max(500),
  reason: z.string().max(300).nullish(),
  terminalId: z.string().optional(),
})

export type TRefundInput = z.infer<typeof ZRefundInput>
