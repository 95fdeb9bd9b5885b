export * from './currency'
export * from './ratio'
export * from './round'
export * from './allocate'
