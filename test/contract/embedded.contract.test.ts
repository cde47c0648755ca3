// The storage contract (storage-contract.ts) run against the embedded store:
// a fresh folder per test, reopened from its files where the contract asks.
import { openStore } from '../../src/store';
import type { Storage } from '../../src/store/ports';
import { tempDir } from '../unit/helpers';
import { describeStorageContract } from './storage-contract';

describeStorageContract('embedded store (snapshot + journal)', async () => {
  const dir = tempDir();
  let current: Storage = await openStore(dir, { lock: false });
  return {
    storage: current,
    reopen: async () => {
      await current.close();
      current = await openStore(dir, { lock: false });
      return current;
    },
    close: () => current.close(),
  };
});
