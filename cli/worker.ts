import { ConfigError, config } from '@/platform/config';
import { startRuntime, stopRuntime } from '@/server/runtime';

/**
 * `npm run worker`: another outbox worker beside the servers. On PostgreSQL any number may run
 * (jobs are claimed with SKIP LOCKED and a lease); the embedded database has one owner, whose
 * own worker runs in-process.
 */
async function main() {
  const cfg = config();
  if (cfg.embedded) {
    console.error(
      'dial worker: the embedded database runs its worker inside `npm start`; set DATABASE_URL to run workers apart.',
    );
    process.exit(2);
  }
  await startRuntime({ worker: true });
  console.log(`dial worker ${process.pid} is running`);
  const stop = async () => {
    await stopRuntime();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `dial worker: ${error.message}` : error);
  process.exit(1);
});
