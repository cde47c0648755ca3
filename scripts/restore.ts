// npm run restore <file>: validates a backup, then replaces the store with it.
// With DATABASE_URL: the PostgreSQL store, in one transaction (app servers may keep running). Else the store in DATA_DIR (server must be stopped).
import path from 'node:path';
import { restoreStore } from '../src/store/backup';
import { restoreDatabase } from '../src/store/pg/backup';
import { redactUrl } from '../src/store/pg/db';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run restore <backup file>');
  process.exit(2);
}
const url = process.env.DATABASE_URL?.trim();
const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
const kept = (previous?: string) => (previous ? ` The replaced store was kept as ${previous}.` : '');
const done = url
  ? restoreDatabase(url, path.resolve(file), new Date(), path.resolve('backups')).then(
      (r) =>
        `Restored ${file} into ${redactUrl(url)} (${r.users} accounts, ${r.records} learning records), in one transaction.${kept(r.previous)}` +
        ' App servers may keep running: they now serve the restored store; its sign-in sessions replaced theirs, so people may have to sign in again.',
    )
  : restoreStore(dataDir, path.resolve(file), new Date()).then((r) => `Restored ${file} into ${dataDir} (${r.users} accounts, ${r.records} learning records).${kept(r.previous)}`);
done.then(
  (line) => console.log(line),
  (e) => {
    console.error(`Restore refused: ${e.message}`);
    process.exit(1);
  },
);
