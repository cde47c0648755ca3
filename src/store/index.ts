export { openStore, readStoreData, StoreCorruptError, StoreWriteError, DuplicateUsernameError, type Store, type NewUser, type UserFilter } from './store';
export { StoreLockedError } from './lock';
export { SCHEMA_VERSION } from './migrations';
export type * from './types';
