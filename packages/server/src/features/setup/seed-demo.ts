import crypto from 'node:crypto'
import { priceSale, type ProgramRules } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { newId, nowIso } from '../../util'
import type { Row } from '../../db/schema'
import { forgetProgramVersions } from '../loyalty/loyalty.queries'
import { createProduct } from '../catalog/save-product'
import { createCustomer } from '../customers/save-customer'
import { completeSale, toDiscount } from '../sales/complete-sale'
import { cashReport } from '../cash/cash-report'
import { productsByIds } from '../catalog/catalog.queries'
import { pricingStore } from '../stores/stores.queries'
import { createStaff } from '../staff/create-staff'
import { createOrganisation, insertStore } from './create-organisation'

/** The demo's sign-ins, printed by `npm start` and `patron seed --demo`. */
export const DEMO_CREDENTIALS = {
  owner: { email: 'owner@demo.patron.shop', password: 'patron-owner', pin: '1111' },
  manager: { email: 'manager@demo.patron.shop', password: 'patron-manager', pin: '2222' },
  cafeCashier: { name: 'Cleo (café cashier)', pin: '3333' },
  shopCashier: { name: 'Sam (shop cashier)', pin: '4444' },
}

/** Deterministic randomness, so every demo shop is the same shop. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  }
}

function ean13(n: number): string {
  const body = `400${String(n).padStart(9, '0')}`
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0)
  return body + String((10 - (sum % 10)) % 10)
}

const CATALOGUE: { category: string; reduced: boolean; nonEarning?: boolean; weighed?: boolean; items: [string, number][] }[] = [
  { category: 'Coffee', reduced: false, items: [['Espresso', 220], ['Double espresso', 290], ['Americano', 280], ['Cappuccino', 350], ['Flat white', 390], ['Latte', 380], ['Oat latte', 420], ['Mocha', 420], ['Cortado', 330], ['Macchiato', 300], ['Iced latte', 410], ['Cold brew', 420], ['Filter coffee', 260], ['Chai latte', 390], ['Hot chocolate', 360]] },
  { category: 'Tea', reduced: false, items: [['English breakfast', 260], ['Earl grey', 260], ['Green sencha', 280], ['Peppermint', 260], ['Rooibos', 260], ['Matcha latte', 430], ['Iced tea', 320], ['Chamomile', 260]] },
  { category: 'Bakery', reduced: true, items: [['Butter croissant', 230], ['Pain au chocolat', 260], ['Almond croissant', 320], ['Cinnamon bun', 340], ['Blueberry muffin', 290], ['Banana bread', 310], ['Carrot cake', 420], ['Brownie', 280], ['Cheesecake', 450], ['Scone with jam', 330], ['Sourdough loaf', 590], ['Baguette', 280], ['Rye bread', 520], ['Pretzel', 190], ['Apple strudel', 390]] },
  { category: 'Sandwiches', reduced: true, items: [['Ham & cheese toastie', 590], ['Caprese ciabatta', 650], ['Chicken pesto wrap', 690], ['Tuna melt', 640], ['Hummus & veg bagel', 560], ['Egg & cress sandwich', 490], ['BLT', 620], ['Falafel wrap', 640]] },
  { category: 'Cold drinks', reduced: false, items: [['Still water 0.5 l', 190], ['Sparkling water 0.5 l', 190], ['Orange juice', 350], ['Apple spritzer', 290], ['Lemonade', 320], ['Cola', 280], ['Ginger beer', 330], ['Kombucha', 390]] },
  { category: 'Coffee beans', reduced: true, items: [['House blend 250 g', 890], ['House blend 1 kg', 2990], ['Ethiopia Yirgacheffe 250 g', 1290], ['Colombia Huila 250 g', 1190], ['Brazil Cerrado 250 g', 990], ['Decaf Mexico 250 g', 1090], ['Espresso roast 1 kg', 3290], ['Kenya AA 250 g', 1390]] },
  { category: 'Mugs & gear', reduced: false, items: [['Ceramic mug', 1290], ['Travel cup', 1990], ['Pour-over dripper', 2490], ['Paper filters (100)', 590], ['Hand grinder', 5990], ['French press', 3490], ['Milk jug', 1890], ['Tote bag', 990]] },
  { category: 'Snacks', reduced: true, items: [['Dark chocolate bar', 350], ['Salted almonds', 420], ['Granola bar', 250], ['Crisps', 220], ['Biscotti', 390], ['Shortbread', 360], ['Energy balls', 290], ['Trail mix', 450]] },
  { category: 'Groceries', reduced: true, items: [['Oat milk 1 l', 290], ['Whole milk 1 l', 149], ['Honey 500 g', 790], ['Strawberry jam', 450], ['Muesli 750 g', 590], ['Olive oil 0.5 l', 990], ['Free-range eggs (6)', 349], ['Butter 250 g', 299], ['Greek yoghurt', 249], ['Spaghetti 500 g', 199], ['Tomato passata', 179], ['Basmati rice 1 kg', 349]] },
  { category: 'Loose produce', reduced: true, weighed: true, items: [['Apples (per kg)', 299], ['Bananas (per kg)', 199], ['Tomatoes (per kg)', 449], ['Mixed nuts (per kg)', 2490], ['Coffee beans loose (per kg)', 2990]] },
  { category: 'Gift cards', reduced: false, nonEarning: true, items: [['Gift card 10.00', 1000], ['Gift card 25.00', 2500], ['Gift card 50.00', 5000]] },
]

/** The café-and-shop demo: 2 stores, 3 terminals, staff for every role, ~200 products, 500 members, 2,000 past sales. */
export async function seedDemo(ctx: AppContext, options: { members?: number; sales?: number; days?: number } = {}) {
  const members = options.members ?? 500
  const salesCount = options.sales ?? 2000
  const days = options.days ?? 60
  const rnd = prng(42)
  const realNow = ctx.now()
  // Past sales happen at past times: a movable clock for the seeding context.
  let clock = new Date(realNow.getTime() - (days + 1) * 86_400_000)
  const seedCtx: AppContext = { ...ctx, now: () => clock }

  const rules: ProgramRules = {
    pointsName: 'beans',
    baseRate: '1',
    nonEarningProductIds: [],
    nonEarningCategoryIds: [],
    multipliers: [],
    tierMetric: 'points',
    tiers: [
      { id: 'bronze', name: 'Bronze', threshold: 0, multiplier: '1' },
      { id: 'silver', name: 'Silver', threshold: 300, multiplier: '1.25', perks: ['birthday-treat'] },
      { id: 'gold', name: 'Gold', threshold: 1000, multiplier: '1.5', perks: ['birthday-treat', 'members-events'] },
    ],
    promotions: [],
    bonuses: [
      { id: 'first', name: 'Welcome bonus', kind: 'first_purchase', points: 25 },
      { id: 'big-basket', name: 'Spend ≥ 50.00', kind: 'threshold', points: 50, thresholdMinor: 5000 },
    ],
    caps: { perSale: null, perDay: null },
    pointsTender: { pointsPerUnit: 100 },
    expiry: { kind: 'rolling', months: 24, endOfMonth: true },
    costPerPointMinor: '0.5',
    referral: { referrerPoints: 200, refereePoints: 100, minEligibleMinor: 1000, maxPerReferrerPerMonth: 5 },
  }
  const org = await createOrganisation(seedCtx, {
    name: 'Harbour Coffee Co.',
    store: { code: 'CAF', name: 'Harbour Café', currency: 'EUR', taxMode: 'inclusive', timeZone: 'Europe/Berlin', locale: 'de-DE', cashRoundingMinor: 0, address: 'Hafenstraße 12, 20459 Hamburg' },
    standardTaxPercent: '19',
    reducedTaxPercent: '7',
    owner: { name: 'Olivia Owner', email: DEMO_CREDENTIALS.owner.email, password: DEMO_CREDENTIALS.owner.password, pin: DEMO_CREDENTIALS.owner.pin },
    terminal: { code: '01', name: 'Café till 1' },
    program: { name: 'Harbour Beans', rules },
  })
  const at = nowIso(clock)
  const { shopId, cafe2, shop1, coffeeBeansCategory, categoryIds } = await ctx.writer.run(async (trx) => {
    const shopId = await insertStore(trx, org.orgId, { code: 'SHP', name: 'Corner Shop', currency: 'EUR', taxMode: 'inclusive', timeZone: 'Europe/Berlin', locale: 'de-DE', cashRoundingMinor: 0, address: 'Eckweg 3, 20459 Hamburg' }, at)
    const rates = await trx.selectFrom('tax_rates').selectAll().where('store_id', '=', org.storeId).execute()
    for (const r of rates) await trx.insertInto('tax_rates').values({ ...r, id: newId(), store_id: shopId }).execute()
    const cafe2 = newId()
    const shop1 = newId()
    await trx.insertInto('terminals').values([
      { id: cafe2, store_id: org.storeId, code: '02', name: 'Café till 2', last_receipt_no: 0, failed_pins: 0, locked_until: null, created_at: at },
      { id: shop1, store_id: shopId, code: '01', name: 'Shop till 1', last_receipt_no: 0, failed_pins: 0, locked_until: null, created_at: at },
    ]).execute()
    const categoryIds: Record<string, string> = {}
    for (const c of CATALOGUE) {
      categoryIds[c.category] = newId()
      await trx.insertInto('categories').values({ id: categoryIds[c.category], org_id: org.orgId, name: c.category, parent_id: null, created_at: at }).execute()
    }
    return { shopId, cafe2, shop1, coffeeBeansCategory: categoryIds['Coffee beans'], categoryIds }
  })
  const manager = await createStaff(seedCtx, org.orgId, { name: 'Max Manager', email: DEMO_CREDENTIALS.manager.email, role: 'manager', password: DEMO_CREDENTIALS.manager.password, pin: DEMO_CREDENTIALS.manager.pin })
  const cafeCashier = await createStaff(seedCtx, org.orgId, { name: DEMO_CREDENTIALS.cafeCashier.name, role: 'cashier', pin: DEMO_CREDENTIALS.cafeCashier.pin, storeIds: [org.storeId] })
  const shopCashier = await createStaff(seedCtx, org.orgId, { name: DEMO_CREDENTIALS.shopCashier.name, role: 'cashier', pin: DEMO_CREDENTIALS.shopCashier.pin, storeIds: [shopId] })

  // Products: the catalogue above, plus sizes and flavours to reach about 200.
  const products: { id: string; store: 'cafe' | 'shop' | 'both'; price: number; weighed: boolean }[] = []
  let n = 1
  await ctx.writer.run(async (trx) => {
    for (const c of CATALOGUE) {
      const variants =
        ({ Coffee: ['', ' (large)'], Tea: ['', ' (large)'], Snacks: ['', ' – organic'], Groceries: ['', ' – organic'], Bakery: ['', ' (box of 4)'], 'Cold drinks': ['', ' – 6-pack'], 'Mugs & gear': ['', ' – black'], Sandwiches: ['', ' – vegan'], 'Coffee beans': ['', ' – ground'] } as Record<string, string[]>)[c.category] ?? ['']
      for (const [name, price] of c.items) {
        for (const v of variants) {
          const storeKind = ['Coffee', 'Tea', 'Bakery', 'Sandwiches'].includes(c.category) ? 'cafe' : ['Groceries', 'Loose produce'].includes(c.category) ? 'shop' : 'both'
          const priceMinor = v === ' (large)' ? price + 60 : v === ' (box of 4)' ? price * 4 - 100 : v === ' – 6-pack' ? price * 5 : v ? price + Math.floor(price / 5) : price
          const row = await createProduct(seedCtx, org.orgId, {
            sku: `SKU-${String(n).padStart(4, '0')}`,
            barcode: c.weighed ? null : ean13(n),
            name: name + v,
            categoryId: categoryIds[c.category],
            priceMinor,
            taxClassId: c.reduced ? org.taxClassIds.reduced! : org.taxClassIds.standard,
            nonEarning: c.nonEarning ?? false,
            trackStock: !['Coffee', 'Tea'].includes(c.category) && !c.nonEarning,
            weighed: c.weighed ?? false,
            stock: [{ storeId: org.storeId, quantity: 500 }, { storeId: shopId, quantity: 500 }],
          }, trx)
          products.push({ id: row.id, store: storeKind, price: priceMinor, weighed: c.weighed ?? false })
          n++
        }
      }
    }
  })
  await ctx.writer.run(async (trx) => {
    const rewardRow = (name: string, kind: Row<'rewards'>['kind'], cost: number, extra: Partial<Row<'rewards'>>): Row<'rewards'> => ({
      id: newId(), org_id: org.orgId, name, description: null, kind, cost_points: cost, product_id: null, category_id: null, price_ceiling_minor: null, amount_off_minor: null,
      percent_off: null, valid_from: null, valid_to: null, tier_ids: null, limit_per_member: null, limit_period: null, stock: null, active: 1, created_at: at, updated_at: at, ...extra,
    })
    const tote = await trx.selectFrom('products').select('id').where('org_id', '=', org.orgId).where('name', '=', 'Tote bag').executeTakeFirstOrThrow()
    await trx.insertInto('rewards').values([
      rewardRow('Free coffee', 'free_product', 150, { category_id: categoryIds['Coffee'], price_ceiling_minor: 450, description: 'Any coffee up to 4.50' }),
      rewardRow('5.00 off', 'amount_off', 400, { amount_off_minor: 500 }),
      rewardRow('10 % off coffee beans', 'percent_off', 300, { category_id: categoryIds['Coffee beans'], percent_off: '10', limit_per_member: 1, limit_period: 'month' }),
      rewardRow('Free tote bag', 'free_product', 800, { product_id: tote.id, stock: 40 }),
      rewardRow('Barista workshop', 'experience', 2500, { tier_ids: JSON.stringify(['gold']), stock: 12, description: 'Two hours behind the bar with our head barista' }),
    ]).execute()
  })
  // Coffee beans earn double and weekday afternoons are happy hour: version 2 of the program.
  await ctx.writer.run(async (trx) => {
    const v2: ProgramRules = {
      ...rules,
      multipliers: [{ id: 'beans-x2', name: 'Coffee beans', categoryIds: [coffeeBeansCategory], multiplier: '2' }],
      promotions: [{ id: 'happy-hour', name: 'Happy hour', multiplier: '2', daysOfWeek: [1, 2, 3, 4, 5], startTime: '15:00', endTime: '17:00', storeIds: [org.storeId], channels: ['pos'] }],
    }
    await trx.updateTable('loyalty_programs').set({ draft_rules: JSON.stringify(v2), updated_at: at }).where('id', '=', org.programId).execute()
    await trx.insertInto('program_versions').values({ id: newId(), program_id: org.programId, version: 2, rules: JSON.stringify(v2), effective_at: nowIso(new Date(clock.getTime() + 1000)), published_at: at, published_by: org.ownerId }).execute()
  })
  forgetProgramVersions(org.orgId)

  const first = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannah', 'Ilias', 'Jonas', 'Klara', 'Leon', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Simon', 'Tara', 'Uwe', 'Vera', 'Wim', 'Yara', 'Zoe']
  const last = ['Becker', 'Schmidt', 'Müller', 'Fischer', 'Weber', 'Wagner', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Hartmann', 'Krüger', 'Lange', 'Werner', 'Lehmann']
  const customerIds: string[] = []
  await ctx.writer.run(async (trx) => {
    for (let i = 0; i < members; i++) {
      const f = rnd.pick(first)
      const l = rnd.pick(last)
      const c = await createCustomer(seedCtx, org.orgId, {
        name: `${f} ${l}`,
        phone: `+49151${String(1000000 + i * 37).padStart(7, '0')}`,
        email: i % 3 === 0 ? null : `${f.toLowerCase()}.${l.toLowerCase().replace('ü', 'ue').replace('ö', 'oe')}${i}@example.com`,
        marketingConsent: i % 2 === 0,
        birthDate: i % 4 === 0 ? `19${rnd.int(60, 99)}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}` : null,
      }, trx)
      customerIds.push(c.id)
    }
  })

  // 2,000 past sales over the last `days` days, each day in a cash session per terminal that
  // is closed at night with an exact count, as a real shop's history would look.
  const terminals = [
    { id: org.terminalId, store: 'cafe' as const, storeId: org.storeId, staff: cafeCashier.id },
    { id: cafe2, store: 'cafe' as const, storeId: org.storeId, staff: cafeCashier.id },
    { id: shop1, store: 'shop' as const, storeId: shopId, staff: shopCashier.id },
  ]
  const perDay = Math.ceil(salesCount / days)
  let made = 0
  const startDay = new Date(realNow.getTime() - days * 86_400_000)
  for (let d = 0; d < days && made < salesCount; d++) {
    const dayStart = new Date(Date.UTC(startDay.getUTCFullYear(), startDay.getUTCMonth(), startDay.getUTCDate() + d, 7, 0, 0))
    const sessions = new Map<string, string>()
    clock = dayStart
    for (const t of terminals) {
      const sid = newId()
      sessions.set(t.id, sid)
      await ctx.writer.run((trx) =>
        trx.insertInto('cash_sessions').values({ id: sid, store_id: t.storeId, terminal_id: t.id, status: 'open', opened_by: t.staff, opened_at: nowIso(clock), opening_float_minor: 15000, opening_denominations: null, closed_by: null, closed_at: null, counted_minor: null, counted_denominations: null, expected_minor: null, over_short_minor: null, z_report: null }).execute(),
      )
    }
    const today = Math.min(perDay, salesCount - made)
    for (let i = 0; i < today; i++) {
      clock = new Date(dayStart.getTime() + Math.floor(((i + rnd.next()) / today) * 11 * 3600_000))
      const t = rnd.pick(terminals)
      const pool = products.filter((p) => p.store === t.store || p.store === 'both')
      const lines = Array.from({ length: rnd.int(1, 4) }, () => {
        const p = rnd.pick(pool)
        return { productId: p.id, quantity: p.weighed ? rnd.int(150, 1500) : rnd.int(1, 3) }
      })
      const principal: Principal = { kind: 'staff', sessionId: 'seed', staffId: t.staff, orgId: org.orgId, name: 'seed', role: 'cashier', storeIds: [t.storeId], terminalId: t.id, storeId: t.storeId, maxDiscountPercent: '10' }
      const withMember = rnd.next() < 0.7
      const cartDiscount = rnd.next() < 0.05 ? { kind: 'percent' as const, percent: '10' } : null
      const due = await dueFor(seedCtx, org.orgId, t.storeId, lines, cartDiscount)
      // Card pays exactly; cash is handed over rounded up to the next 5.00, as customers do.
      const tender = rnd.next() < 0.55 ? { kind: 'card' as const, amountMinor: due } : { kind: 'cash' as const, amountMinor: Math.ceil(due / 500) * 500 }
      await completeSale(seedCtx, principal, {
        id: crypto.randomUUID(),
        lines,
        customerId: withMember ? rnd.pick(customerIds) : null,
        cartDiscount,
        tenders: [tender],
        soldAt: nowIso(clock),
      })
      made++
    }
    clock = new Date(dayStart.getTime() + 12 * 3600_000)
    for (const sid of sessions.values()) {
      await closeSessionExactly(ctx, sid, nowIso(clock))
    }
  }
  return {
    orgId: org.orgId,
    stores: { cafe: org.storeId, shop: shopId },
    terminals: { cafe1: org.terminalId, cafe2, shop1 },
    staff: { owner: org.ownerId, manager: manager.id, cafeCashier: cafeCashier.id, shopCashier: shopCashier.id },
    products: products.length,
    members: customerIds.length,
    sales: made,
  }
}

/** The amount due, priced by @patron/core exactly as the register would show it. */
async function dueFor(ctx: AppContext, orgId: string, storeId: string, lines: { productId: string; quantity: number }[], cartDiscount: { kind: 'percent'; percent: string } | null): Promise<number> {
  const store = await ctx.db.kysely.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirstOrThrow()
  const products = new Map((await productsByIds(ctx.db.kysely, orgId, lines.map((l) => l.productId))).map((p) => [p.id, p]))
  const priced = priceSale(await pricingStore(ctx.db.kysely, store), {
    lines: lines.map((l) => {
      const p = products.get(l.productId)!
      return { productId: p.id, name: p.name, quantity: l.quantity, unitPriceMinor: p.price_minor, weighed: p.weighed === 1, taxClassId: p.tax_class_id }
    }),
    cartDiscount: cartDiscount ? toDiscount(cartDiscount) : null,
  })
  return priced.totalMinor
}

async function closeSessionExactly(ctx: AppContext, sessionId: string, at: string) {
  await ctx.writer.run(async (trx) => {
    const s = await trx.selectFrom('cash_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow()
    const report = await cashReport(trx, s)
    const z = { ...report, status: 'closed', closedAt: at, countedMinor: report.cash.expectedMinor, overShortMinor: 0 }
    await trx.updateTable('cash_sessions').set({ status: 'closed', closed_at: at, closed_by: s.opened_by, counted_minor: report.cash.expectedMinor, expected_minor: report.cash.expectedMinor, over_short_minor: 0, z_report: JSON.stringify(z) }).where('id', '=', sessionId).execute()
  })
}
