import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads `process.env`. Everything else asks `config()`.
 * Values are read once per process; tests call `resetConfig()` after changing the environment.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DIAL_BASE_URL: z.url().optional(),
  DIAL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  SMTP_URL: z.string().min(1).optional(),
  DIAL_SECRET: z.string().min(32, 'DIAL_SECRET must be at least 32 characters').optional(),
  DIAL_WORKER: z.enum(['on', 'off']).default('on'),
  DIAL_ALLOW_PRIVATE_WEBHOOKS: z.enum(['0', '1']).default('0'),
  DIAL_PREFERENCES_LINK_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  DIAL_UNDO_LINK_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  DIAL_PENDING_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  DIAL_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).default(60),
  DIAL_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  NEXT_DIST_DIR: z.string().min(1).default('.next'),
  DIAL_API_RATE_LIMIT: z.coerce.number().int().min(1).default(600_000),
  DIAL_FAST_PATH: z.enum(['on', 'off']).default('on'),
  NODE_ENV: z.string().default('development'),
});

export type Config = {
  port: number;
  baseUrl: string;
  dataDir: string;
  /** PGlite's location: a directory, or `memory://` for a throwaway in-process database. */
  embedded: boolean;
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  devMailbox: boolean;
  secret: string;
  /**
   * next-auth's secret (it encrypts the admin session cookie): derived from the root secret with
   * its own label, so every instance sharing DIAL_SECRET agrees and nothing else uses this key.
   */
  authSecret: string;
  /** Next's server actions key (32 bytes, base64), derived the same way with its own label. */
  actionsKey: string;
  worker: boolean;
  allowPrivateWebhooks: boolean;
  preferencesLinkDays: number;
  undoLinkMinutes: number;
  pendingExpiryDays: number;
  checkpointMinutes: number;
  /** Behind a reverse proxy: believe its X-Forwarded-For for the client's address. */
  trustProxy: boolean;
  /** Where `next build` wrote the app (next.config.js reads the same variable). */
  nextDistDir: string;
  /** Requests per minute per API key, per instance. */
  apiRateLimit: number;
  /** Serve the hot machine endpoints without Next's router (server.ts). */
  fastPath: boolean;
  production: boolean;
};

const KEY = Symbol.for('dial.config');
type Holder = { [KEY]?: Config };

export function config(): Config {
  const holder = globalThis as Holder;
  holder[KEY] ??= loadConfig(process.env);
  return holder[KEY];
}

export function resetConfig(): void {
  delete (globalThis as Holder)[KEY];
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means unset, as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const embedded = !e.DATABASE_URL;
  const dataDir = e.DIAL_DATA_DIR === 'memory://' ? e.DIAL_DATA_DIR : path.resolve(e.DIAL_DATA_DIR);
  let secret = e.DIAL_SECRET;
  if (!secret) {
    if (!embedded) {
      throw new ConfigError(
        'DIAL_SECRET is required with DATABASE_URL: every instance must share it (32+ characters).',
      );
    }
    secret = dataDir === 'memory://' ? randomBytes(32).toString('hex') : generatedSecret(dataDir);
  }
  return {
    port: e.PORT,
    baseUrl: (e.DIAL_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    embedded,
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    devMailbox: !e.SMTP_URL,
    secret,
    authSecret: deriveKey(secret, 'dial-nextauth-secret-v1'),
    // AES-256 for Next's server action closures, base64 as Next reads it: every instance agrees.
    actionsKey: createHmac('sha256', secret).update('dial-server-actions-key-v1').digest('base64'),
    worker: e.DIAL_WORKER === 'on',
    allowPrivateWebhooks: e.DIAL_ALLOW_PRIVATE_WEBHOOKS === '1',
    preferencesLinkDays: e.DIAL_PREFERENCES_LINK_DAYS,
    undoLinkMinutes: e.DIAL_UNDO_LINK_MINUTES,
    pendingExpiryDays: e.DIAL_PENDING_EXPIRY_DAYS,
    checkpointMinutes: e.DIAL_CHECKPOINT_MINUTES,
    trustProxy: e.DIAL_TRUST_PROXY === '1',
    nextDistDir: e.NEXT_DIST_DIR,
    apiRateLimit: e.DIAL_API_RATE_LIMIT,
    fastPath: e.DIAL_FAST_PATH === 'on',
    production: e.NODE_ENV === 'production',
  };
}

/** A key for one purpose, derived from the root secret with HMAC-SHA256 and a label. */
export function deriveKey(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('base64url');
}

/**
 * next-auth 4 reads its origin from `process.env.NEXTAUTH_URL` when it handles a request (and
 * falls back to http://localhost:3000 without it), and its secret from `NEXTAUTH_SECRET` where
 * no options are passed; Next encrypts server action closures with
 * `NEXT_SERVER_ACTIONS_ENCRYPTION_KEY` when it is set (else with a key made at each build). All
 * come from Dial's configuration: the origin is DIAL_BASE_URL, the secrets are derived from
 * DIAL_SECRET, so every instance behind a load balancer agrees. Called before Next handles a
 * request (server.ts) and again before next-auth runs; harmless to repeat.
 */
export function exportNextEnvironment(cfg: Config = config()): void {
  process.env.NEXTAUTH_URL = cfg.baseUrl;
  process.env.NEXTAUTH_SECRET = cfg.authSecret;
  process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY = cfg.actionsKey;
}

/** The embedded default keeps its root secret beside its data, created once with mode 0600. */
function generatedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      // Another process created it between our read and write: theirs wins.
      return readFileSync(file, 'utf8').trim();
    }
  }
}
