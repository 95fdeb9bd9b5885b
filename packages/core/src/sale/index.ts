export * from './types'
export * from './price'
export * from './tender'
export * from './refund'
