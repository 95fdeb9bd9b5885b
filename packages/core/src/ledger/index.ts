export * from './accounts'
export * from './invariants'
