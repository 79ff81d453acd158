import { closeDb } from '@/db/client';
import { ConfigError, config } from '@/platform/config';
import { DataDirLockedError, isAlive, readLock } from '@/platform/lock';
import { sendControlCommand } from '@/server/control';
import { runCommand } from './commands';

/**
 * `npm run -s dial -- <command>`. On the embedded default a running server owns the data dir:
 * the command then runs inside that server, through its control socket.
 */
async function main(argv: string[]): Promise<number> {
  const cfg = config();
  if (cfg.embedded && cfg.dataDir !== 'memory://') {
    const owner = readLock(cfg.dataDir);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      try {
        return write(await sendControlCommand(cfg.dataDir, argv));
      } catch (error) {
        process.stderr.write(
          `dial: the data directory ${cfg.dataDir} is owned by process ${owner.pid}, which does not answer on its control socket (${(error as Error).message}).\n`,
        );
        return 1;
      }
    }
  }
  try {
    return write(await runCommand(argv));
  } finally {
    await closeDb();
  }
}

function write(result: { code: number; stdout: string; stderr: string }): number {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DataDirLockedError;
    process.stderr.write(
      `dial: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exit(1);
  },
);
