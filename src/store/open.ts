// Which store a server uses: PostgreSQL when DATABASE_URL is set (several app
// servers can share it), else the embedded store in DATA_DIR (one server, the
// default). The file lock applies to the embedded store only.
import path from 'node:path';
import { openStore } from './store';
import { openPgStorage } from './pg';
import type { Storage } from './ports';

export type StoreKind = 'embedded' | 'postgres';

export interface OpenedStorage {
  storage: Storage;
  kind: StoreKind;
}

/** Opens the store the environment names (DATABASE_URL, else DATA_DIR, default ./data). */
export async function openStorage(env: { DATABASE_URL?: string; DATA_DIR?: string }): Promise<OpenedStorage> {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`DATABASE_URL must be a postgres:// (or postgresql://) URL; unset it to use the embedded store in DATA_DIR`);
    return { storage: await openPgStorage(url), kind: 'postgres' };
  }
  return { storage: await openStore(path.resolve(env.DATA_DIR ?? 'data')), kind: 'embedded' };
}
