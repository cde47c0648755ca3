// npm run backup [-- --out DIR]: a consistent, validated copy of the store (snapshot and journal merged into one file; safe while the server runs).
// With DATABASE_URL it is the PostgreSQL store (one consistent dump, written to --out or ./backups), else the store in DATA_DIR.
import path from 'node:path';
import { backupStore } from '../src/store/backup';
import { backupDatabase } from '../src/store/pg/backup';

const url = process.env.DATABASE_URL?.trim();
const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
const i = process.argv.indexOf('--out');
const out = i > 0 ? path.resolve(process.argv[i + 1]!) : undefined;
(url ? backupDatabase(url, new Date(), out ?? path.resolve('backups')) : backupStore(dataDir, new Date(), out)).then(
  (r) => console.log(`Backup written: ${r.file} (${r.users} accounts, ${r.records} learning records)`),
  (e) => {
    console.error(`Backup failed: ${e.message}`);
    process.exit(1);
  },
);
