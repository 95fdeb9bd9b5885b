/**
 * Row types of the database, as Kysely sees them. Columns are snake_case; times are ISO 8601
 * UTC text (portable and sortable on both dialects); amounts and points are integers (bigint
 * columns, converted to numbers once in connect.ts); booleans are 0/1; JSON is text.
 */
import type { Generated } from 'kysely'

export type Bool = 0 | 1

export interface Database {
  organisations: { id: string; name: string; created_at: string }
  stores: {
    id: string
    org_id: string
    code: string
    name: string
    currency: string
    tax_mode: 'inclusive' | 'exclusive'
    time_zone: string
    locale: string
    cash_rounding_minor: number
    address: string | null
    created_at: string
  }
  terminals: {
    id: string
    store_id: string
    code: string
    name: string
    last_receipt_no: number
    failed_pins: number
    locked_until: string | null
    created_at: string
  }
  staff: {
    id: string
    org_id: string
    name: string
    email: string | null
    role: 'owner' | 'manager' | 'cashier'
    password_hash: string | null
    pin_hash: string | null
    /** JSON array of store ids; null = every store of the organisation. */
    store_ids: string | null
    max_discount_percent: string
    active: Bool
    failed_logins: number
    locked_until: string | null
    created_at: string
    daily_adjust_limit: Generated<number | null>
  }
  staff_sessions: {
    id: string
    staff_id: string
    terminal_id: string | null
    store_id: string | null
    created_at: string
    expires_at: string
  }
  api_keys: {
    id: string
    org_id: string
    name: string
    prefix: string
    key_hash: string
    scopes: string
    created_at: string
    revoked_at: string | null
  }
  categories: { id: string; org_id: string; name: string; parent_id: string | null; created_at: string }
  tax_classes: { id: string; org_id: string; name: string; created_at: string }
  tax_rates: {
    id: string
    store_id: string
    tax_class_id: string
    name: string
    /** Percent as exact decimal text, e.g. "19" or "8.875". */
    rate_percent: string
    position: number
  }
  products: {
    id: string
    org_id: string
    sku: string
    barcode: string | null
    name: string
    category_id: string | null
    price_minor: number
    tax_class_id: string
    non_earning: Bool
    track_stock: Bool
    weighed: Bool
    active: Bool
    created_at: string
    updated_at: string
  }
  stock_levels: { product_id: string; store_id: string; quantity: number; updated_at: string }
  stock_movements: {
    id: Generated<number>
    product_id: string
    store_id: string
    delta: number
    reason: string
    sale_id: string | null
    refund_id: string | null
    created_at: string
  }
  customers: {
    id: string
    org_id: string
    name: string | null
    name_lower: string | null
    phone: string | null
    email: string | null
    card_code: string
    referral_code: string
    referred_by: string | null
    marketing_consent: Bool
    birth_date: string | null
    created_at: string
    updated_at: string
  }
  cash_sessions: {
    id: string
    store_id: string
    terminal_id: string
    status: 'open' | 'closed'
    opened_by: string
    opened_at: string
    opening_float_minor: number
    opening_denominations: string | null
    closed_by: string | null
    closed_at: string | null
    counted_minor: number | null
    counted_denominations: string | null
    expected_minor: number | null
    over_short_minor: number | null
    z_report: string | null
  }
  cash_movements: {
    id: string
    session_id: string
    kind: 'in' | 'out'
    amount_minor: number
    reason: string
    staff_id: string | null
    created_at: string
  }
  sales: {
    id: string
    org_id: string
    store_id: string
    terminal_id: string | null
    cash_session_id: string | null
    staff_id: string | null
    api_key_id: string | null
    customer_id: string | null
    receipt_no: string
    status: 'completed' | 'voided'
    channel: 'pos' | 'online'
    currency: string
    tax_mode: 'inclusive' | 'exclusive'
    gross_minor: number
    discount_minor: number
    tax_minor: number
    total_minor: number
    rounding_minor: number
    tendered_minor: number
    change_minor: number
    eligible_minor: number
    points_earned: number
    points_redeemed: number
    program_version_id: string | null
    tier_id: string | null
    /** JSON: the earn result (components, explanation) and the member state used. */
    loyalty: string | null
    /** JSON: cart discount input, for the receipt and recomputation. */
    cart_discount: string | null
    request_hash: string
    external_ref: string | null
    sold_at: string
    created_at: string
    voided_at: string | null
    qualifying_points: Generated<number>
  }
  sale_lines: {
    sale_id: string
    line_no: number
    product_id: string | null
    sku: string | null
    name: string
    category_id: string | null
    quantity: number
    unit_price_minor: number
    weighed: Bool
    tax_class_id: string
    non_earning: Bool
    gross_minor: number
    line_discount_minor: number
    cart_discount_minor: number
    reward_discount_minor: number
    net_minor: number
    tax_minor: number
    total_minor: number
    eligible_minor: number
    /** JSON: per-rate taxes of this line. */
    taxes: string
    returned_quantity: number
  }
  sale_taxes: { sale_id: string; rate_id: string; name: string; rate_percent: string; base_minor: number; tax_minor: number }
  sale_tenders: {
    sale_id: string
    seq: number
    kind: string
    amount_minor: number
    points: number | null
    reference: string | null
  }
  refunds: {
    id: string
    org_id: string
    sale_id: string
    store_id: string
    terminal_id: string | null
    cash_session_id: string | null
    staff_id: string | null
    api_key_id: string | null
    total_minor: number
    tax_minor: number
    points_clawed_back: number
    points_restored: number
    /** What the sale still counts toward tiers after this refund (null: recorded before, or no member). */
    kept_qualifying_points: number | null
    kept_eligible_minor: number | null
    with_receipt: Bool
    reason: string | null
    request_hash: string
    loyalty: string | null
    created_at: string
  }
  refund_lines: {
    refund_id: string
    line_no: number
    quantity: number
    net_minor: number
    tax_minor: number
    total_minor: number
    eligible_minor: number
    restock: Bool
  }
  refund_tenders: { refund_id: string; seq: number; kind: string; amount_minor: number; points: number | null }
  loyalty_programs: {
    id: string
    org_id: string
    name: string
    /** JSON ProgramRules of the draft being edited. */
    draft_rules: string
    created_at: string
    updated_at: string
  }
  program_versions: {
    id: string
    program_id: string
    version: number
    rules: string
    effective_at: string
    published_at: string
    published_by: string | null
  }
  loyalty_accounts: {
    customer_id: string
    org_id: string
    balance: number
    tier_id: string | null
    lifetime_earned: number
    sales_count: number
    last_sale_at: string | null
    /** The latest sale with eligible amount > 0: the visit the per-visit bonus counts. */
    last_visit_at: string | null
    tier_since: string | null
    tier_keep_until: string | null
    created_at: string
    updated_at: string
  }
  ledger_transfers: {
    id: string
    org_id: string
    debit_account: string
    credit_account: string
    points: number
    kind: string
    customer_id: string | null
    sale_id: string | null
    refund_id: string | null
    program_version_id: string | null
    staff_id: string | null
    terminal_id: string | null
    reason: string | null
    /** JSON: explanation components. */
    explanation: string | null
    created_at: string
  }
  lots: {
    id: string
    customer_id: string
    transfer_id: string
    sale_id: string | null
    points: number
    remaining: number
    earned_at: string
    expires_at: string | null
    warned_at: Generated<string | null>
  }
  idempotency_records: {
    scope: string
    key: string
    request_hash: string
    status_code: number
    response: string
    created_at: string
  }
  outbox: {
    id: Generated<number>
    org_id: string
    topic: string
    aggregate_id: string
    payload: string
    created_at: string
    published_at: string | null
  }
  tier_events: {
    id: string
    org_id: string
    customer_id: string
    from_tier_id: string | null
    to_tier_id: string | null
    reason: string
    metric: number
    sale_id: string | null
    program_version_id: string | null
    created_at: string
  }
  referrals: {
    id: string
    org_id: string
    referrer_id: string
    referee_id: string | null
    code: string
    status: 'pending' | 'rewarded' | 'rejected'
    reason: string | null
    sale_id: string | null
    created_at: string
    decided_at: string | null
  }
  rewards: {
    id: string
    org_id: string
    name: string
    description: string | null
    kind: 'free_product' | 'amount_off' | 'percent_off' | 'free_delivery' | 'experience'
    cost_points: number
    product_id: string | null
    category_id: string | null
    price_ceiling_minor: number | null
    amount_off_minor: number | null
    percent_off: string | null
    valid_from: string | null
    valid_to: string | null
    tier_ids: string | null
    limit_per_member: number | null
    limit_period: 'day' | 'week' | 'month' | 'year' | 'ever' | null
    stock: number | null
    active: Bool
    created_at: string
    updated_at: string
  }
  reward_redemptions: {
    id: string
    org_id: string
    reward_id: string
    customer_id: string
    channel: 'reservation' | 'voucher'
    cart_id: string | null
    voucher_code: string | null
    points: number
    status: 'pending' | 'posted' | 'released' | 'issued' | 'used' | 'expired'
    lots: string
    sale_id: string | null
    applied: string | null
    expires_at: string
    created_at: string
    decided_at: string | null
    /** The program version in force at redemption: every ledger entry of this redemption records it. */
    program_version_id: string | null
  }
  open_returns: {
    id: string
    org_id: string
    store_id: string
    terminal_id: string | null
    cash_session_id: string | null
    staff_id: string | null
    approved_by: string | null
    reason: string
    total_minor: number
    tax_minor: number
    tender_kind: 'cash' | 'card' | 'store_credit'
    /** JSON: the priced lines returned. */
    lines: string
    request_hash: string
    created_at: string
  }
  job_runs: { name: string; run_key: string; started_at: string; finished_at: string | null; result: string | null }
  audit_log: {
    id: Generated<number>
    org_id: string
    actor_type: 'staff' | 'api_key' | 'system' | 'member'
    actor_id: string | null
    action: string
    target_type: string | null
    target_id: string | null
    details: string | null
    created_at: string
  }
}

/** A row as read from the database (generated columns resolved). */
export type Row<T extends keyof Database> = import('kysely').Selectable<Database[T]>
