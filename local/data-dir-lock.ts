/**
 * One local call at a time per data folder: dynalite's LevelDB cannot be opened twice, and a second opener
 * would only fail on its first request, mid-call. A pid file says who holds the folder; a holder that is no
 * longer running (a killed call) leaves a stale file, which the next call takes over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'chalkbot-call.pid';

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`The local store ${dataDir} is in use by another local call (pid ${pid}). Use --data <dir> or --in-memory.`);
    this.name = 'DataDirInUseError';
  }
}

/** Takes the folder for this process; returns the release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new DataDirInUseError(dataDir, holder);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock the local store ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
