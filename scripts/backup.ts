// npm run backup [-- --out DIR]: a consistent, validated copy of the store in DATA_DIR (snapshot and journal merged into one file; safe while the server runs).
import path from 'node:path';
import { backupStore } from '../src/store/backup';

const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
const i = process.argv.indexOf('--out');
const out = i > 0 ? path.resolve(process.argv[i + 1]!) : undefined;
backupStore(dataDir, new Date(), out).then(
  (r) => console.log(`Backup written: ${r.file} (${r.users} accounts, ${r.records} learning records)`),
  (e) => {
    console.error(`Backup failed: ${e.message}`);
    process.exit(1);
  },
);
