import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';

export class StoreLockedError extends Error {}

/** Whether a process with this pid is running (EPERM: it runs under another user). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
};

/**
 * lowdb keeps the whole store in one process's memory, so two servers on one
 * DATA_DIR would overwrite each other. The lock file names the owner's pid; a
 * lock left by a dead process is taken over.
 */
export function acquireLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new StoreLockedError(`another server (pid ${pid}) is using this data folder (${file}); stop it first, or set DATA_DIR to another folder`);
      }
      unlinkSync(file);
    }
  }
  throw new StoreLockedError(`could not take the store lock ${file}`);
}
