import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Pool } from 'pg';
import { config } from '@/platform/config';
import { acquireDataDirLock } from '@/platform/lock';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: the same query surface as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

type Handle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  close: () => Promise<void>;
};

/**
 * One client per process, shared by every module graph (Next's server layers, the custom
 * server, the CLI) through globalThis: PGlite would silently fork if opened twice.
 */
const KEY = Symbol.for('dial.db');
type Holder = { [KEY]?: Promise<Handle> };
const holder = globalThis as Holder;

export function db(): Promise<Db> {
  return handle().then((h) => h.db);
}

export function dbKind(): Promise<Handle['kind']> {
  return handle().then((h) => h.kind);
}

function handle(): Promise<Handle> {
  holder[KEY] ??= open().catch((error: unknown) => {
    delete holder[KEY];
    throw error;
  });
  return holder[KEY];
}

export function isDbOpen(): boolean {
  return holder[KEY] !== undefined;
}

export async function closeDb(): Promise<void> {
  const pending = holder[KEY];
  if (!pending) return;
  delete holder[KEY];
  const h = await pending;
  await h.close();
}

export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

async function open(): Promise<Handle> {
  const cfg = config();
  if (cfg.databaseUrl) return openPostgres(cfg.databaseUrl);
  return openPglite(cfg.dataDir);
}

async function openPostgres(url: string): Promise<Handle> {
  const { Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool: Pool = new Pool({ max: 10, ...withSessionOptions(url) });
  pool.on('error', (error) => console.error('dial: idle PostgreSQL connection failed:', error));
  // Several instances may start at once: one migrates, the others wait on the advisory lock.
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(7411001)');
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock(7411001)').catch(() => undefined);
    client.release();
  }
  const database = drizzle({ client: pool, schema }) as unknown as Db;
  return { db: database, kind: 'postgres', close: () => pool.end() };
}

/**
 * Settings for Dial's own sessions, kept with any `options` the URL gives. Only the hot
 * statements are prepared by name (`preparedRows`); `plan_cache_mode` has them planned once per
 * connection, not on every execution as PostgreSQL does until it trusts a generic plan. Dial's
 * lookups hit hot indexes: costing a random page close to a sequential one (the usual setting
 * for SSDs and cached data) keeps a bulk check's batches of 5,000 references on index probes,
 * measured about 1.6x faster here than the hash join of the whole table the default picks.
 */
function withSessionOptions(url: string): { connectionString: string; options: string } {
  const ours = '-c plan_cache_mode=force_generic_plan -c random_page_cost=1.1';
  try {
    const parsed = new URL(url);
    const given = parsed.searchParams.get('options');
    if (given === null) return { connectionString: url, options: ours };
    // pg lets the URL's options win over the config's: move them over, ours after.
    parsed.searchParams.delete('options');
    return { connectionString: parsed.toString(), options: `${given} ${ours}` };
  } catch {
    return { connectionString: url, options: ours }; // not a URL: pg parses it, and says what is wrong
  }
}

async function openPglite(dataDir: string): Promise<Handle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const memory = dataDir === 'memory://';
  const release = memory ? () => undefined : acquireDataDirLock(dataDir);
  let client: PGlite;
  try {
    client = memory ? new PGlite() : new PGlite(path.join(dataDir, 'pgdata'));
    await client.waitReady;
    await migrate(drizzle({ client }), { migrationsFolder });
  } catch (error) {
    release();
    throw error;
  }
  const database = drizzle({ client, schema }) as unknown as Db;
  return {
    db: database,
    kind: 'pglite',
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** Raw SQL for what the query builder cannot say set-based; both drivers answer `{ rows }`. */
export async function queryRows<T>(database: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await database.execute(query)) as { rows: T[] };
  return result.rows;
}

type PgPool = {
  totalCount: number;
  query: (config: {
    name?: string;
    text: string;
    values: unknown[];
  }) => Promise<{ rows: unknown[] }>;
};
type PgliteClient = {
  query: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;
};
const statementNames = new Map<string, string>();

function pgPool(database: DbOrTx): PgPool | undefined {
  const client = (database as { $client?: Partial<PgPool> }).$client;
  return client && typeof client.totalCount === 'number' && typeof client.query === 'function'
    ? (client as PgPool)
    : undefined;
}

/**
 * A statement written as text with `$1`... parameters, for the hot paths where building it with
 * the query builder on every call costs more than running it. Inside a transaction it goes
 * through the transaction (as one drizzle SQL with the same parameters).
 */
export async function textRows<T>(database: DbOrTx, text: string, values: unknown[]): Promise<T[]> {
  const pool = pgPool(database);
  if (pool) return (await pool.query({ text, values })).rows as T[];
  const client = (database as { $client?: Partial<PgliteClient> }).$client;
  if (client && typeof client.query === 'function') {
    return (await (client as PgliteClient).query(text, values)).rows as T[];
  }
  return queryRows<T>(database, withParams(text, values));
}

/**
 * `textRows` for the hottest statements: on PostgreSQL, outside a transaction, the statement
 * is prepared once per connection under a name derived from its text and planned once (with a
 * generic plan: the pool's connections set `plan_cache_mode`), instead of being parsed and
 * planned on every request. A generic plan must suit every value: big arrays, whose best plan
 * depends on their length, belong in `textRows`.
 */
export async function preparedRows<T>(
  database: DbOrTx,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = pgPool(database);
  if (!pool) return textRows<T>(database, text, values);
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `dial_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return (await pool.query({ name, text, values })).rows as T[];
}

/** `$n` placeholders as drizzle parameters, for running a text statement through a transaction. */
function withParams(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    chunks.push(i % 2 === 0 ? sql.raw(parts[i] ?? '') : sql`${values[Number(parts[i]) - 1]}`);
  }
  return sql.join(chunks);
}
