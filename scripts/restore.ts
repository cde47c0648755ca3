// npm run restore <file>: validates a backup, then replaces the store in DATA_DIR with it (server must be stopped).
import path from 'node:path';
import { restoreStore } from '../src/store/backup';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run restore <backup file>');
  process.exit(2);
}
const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
restoreStore(dataDir, path.resolve(file), new Date()).then(
  (r) => console.log(`Restored ${file} into ${dataDir} (${r.users} accounts, ${r.records} learning records).${r.previous ? ` The replaced store was kept as ${r.previous}.` : ''}`),
  (e) => {
    console.error(`Restore refused: ${e.message}`);
    process.exit(1);
  },
);
