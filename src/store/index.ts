export { openStore, readStoreData, type Store } from './store';
export * from './ports';
export { StoreLockedError } from './lock';
export { SCHEMA_VERSION } from './migrations';
export { bumpCounter } from './counters';
export type * from './types';
export { AUDIT_ACTIONS } from './types';
