export { openStore, readStoreData, StoreCorruptError, StoreWriteError, DuplicateUsernameError, type Store, type NewUser, type UserFilter, type AuditNote } from './store';
export { StoreLockedError } from './lock';
export { SCHEMA_VERSION } from './migrations';
export type * from './types';
export { AUDIT_ACTIONS } from './types';
