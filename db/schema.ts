import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The whole domain of DESIGN.md. Every table but `signing_keys`' secret material (derived, never
 * stored) carries `workspace_id`, and every query filters on it.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];
export const FREQUENCIES = ['instant', 'daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const SOURCES = [
  'preference_center',
  'unsubscribe_page',
  'one_click',
  'sms_keyword',
  'embed_form',
  'double_opt_in',
  'api',
  'import',
  'admin',
  'gpc',
  'expiry',
  'erasure',
  // Delivery events from the mail service (domain/mail-events.ts): a hard bounce and a spam
  // complaint each suppress the address on email.
  'bounce',
  'complaint',
] as const;
export type Source = (typeof SOURCES)[number];
export const SUBSCRIPTION_STATUSES = ['none', 'subscribed', 'unsubscribed', 'pending'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export type WorkspaceSettings = {
  brand?: { logoUrl?: string; accentColor?: string };
  postalAddress?: string;
  supportContact?: string;
  senderName?: string;
  fromAddress?: string;
  replyTo?: string;
  linkDomain?: string;
  locales?: string[];
  defaultLocale?: string;
  policies?: {
    doubleOptIn?: Partial<Record<Channel, boolean>>;
    confirmationMessages?: boolean;
    feedbackQuestion?: boolean;
  };
  /** Bounce and complaint webhooks per mail service (domain/mail-events.ts); unset: refused. */
  mailEvents?: MailEventSettings;
  /**
   * The workspace's own wording of Dial's mails (domain/mail-templates.ts), per mail and locale;
   * a mail or locale without one uses Dial's default text.
   */
  mailTexts?: Partial<Record<MailTextKind, Partial<Record<string, MailText>>>>;
};

/** Dial's mails to subscribers whose wording a workspace may replace. */
export const MAIL_TEXT_KINDS = ['optOutConfirmation', 'preferencesLink', 'doubleOptIn'] as const;
export type MailTextKind = (typeof MAIL_TEXT_KINDS)[number];
/** A subject line and a plain-text body (paragraphs apart by blank lines) with {{placeholders}}. */
export type MailText = { subject: string; body: string };

export type MailEventSettings = {
  /** The SNS topic SES publishes this workspace's bounces and complaints to. */
  sesTopicArn?: string;
  /** SendGrid's signed event webhook verification key (base64 DER or PEM, as SendGrid shows it). */
  sendgridPublicKey?: string;
  /** Postmark's webhook HTTP Basic credentials; only a SHA-256 of the password is kept. */
  postmarkUser?: string;
  postmarkPasswordSha256?: string;
};

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<WorkspaceSettings>().notNull().default({}),
  twilioAuthToken: text('twilio_auth_token'),
  smsNumber: text('sms_number'),
  createdAt: createdAt(),
});
export type Workspace = typeof workspaces.$inferSelect;
export type NewWorkspace = typeof workspaces.$inferInsert;

/** Link-signing keys. The secret is derived from DIAL_SECRET and the key id, never stored. */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    status: text('status', { enum: ['active', 'verify_only', 'revoked'] }).notNull(),
    createdAt: createdAt(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    index('signing_keys_workspace_idx').on(t.workspaceId),
    // One signing key per workspace signs; the rotation's row lock relies on this as a backstop.
    uniqueIndex('signing_keys_one_active_idx').on(t.workspaceId).where(sql`${t.status} = 'active'`),
  ],
);
export type SigningKey = typeof signingKeys.$inferSelect;

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    name: text('name').notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull().unique(),
    scope: text('scope', { enum: ['read', 'check', 'write'] }).notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_workspace_idx').on(t.workspaceId)],
);
export type ApiKey = typeof apiKeys.$inferSelect;

export type LocalizedText = Record<string, { name: string; description?: string }>;

export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    slug: text('slug').notNull(),
    kind: text('kind', { enum: ['marketing', 'transactional'] }).notNull(),
    channels: text('channels').array().$type<Channel[]>().notNull(),
    frequencies: text('frequencies').array().$type<Frequency[]>().notNull(),
    defaultFrequency: text('default_frequency').$type<Frequency>().notNull(),
    texts: jsonb('texts').$type<LocalizedText>().notNull().default({}),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('categories_workspace_slug_idx').on(t.workspaceId, t.slug)],
);
export type Category = typeof categories.$inferSelect;
export type NewCategory = typeof categories.$inferInsert;

/** Immutable wording shown at opt-in; a change is a new version. */
export const consentTexts = pgTable(
  'consent_texts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    key: text('key').notNull(),
    locale: text('locale').notNull(),
    version: integer('version').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('consent_texts_version_idx').on(t.workspaceId, t.key, t.locale, t.version)],
);
export type ConsentText = typeof consentTexts.$inferSelect;

export type FormTheme = { accentColor?: string; mode?: 'light' | 'dark' };

export const forms = pgTable(
  'forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    fields: text('fields').array().$type<('email' | 'phone')[]>().notNull(),
    categorySlugs: text('category_slugs').array().notNull(),
    channels: text('channels').array().$type<Channel[]>().notNull(),
    consentTextKey: text('consent_text_key').notNull(),
    doubleOptIn: jsonb('double_opt_in').$type<Partial<Record<Channel, boolean>>>().notNull(),
    successMessage: jsonb('success_message').$type<Record<string, string>>().notNull().default({}),
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    theme: jsonb('theme').$type<FormTheme>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('forms_workspace_slug_idx').on(t.workspaceId, t.slug)],
);
export type Form = typeof forms.$inferSelect;

/** Global opt-outs: a channel or `all`, with who made them (a subscriber's own wins, rule 3). */
export type GlobalOptOuts = Partial<Record<Channel | 'all', { own: boolean }>>;

export const subscribers = pgTable(
  'subscribers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    externalId: text('external_id'),
    email: text('email'),
    phone: text('phone'),
    locale: text('locale'),
    createdAt: createdAt(),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    // Projection of the ledger, subscriber-wide part. Rebuilt by `rebuildProjection`.
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    pauseOwn: boolean('pause_own').notNull().default(false),
    globalOptOuts: jsonb('global_opt_outs').$type<GlobalOptOuts>().notNull().default({}),
    keywordBlocks: text('keyword_blocks')
      .array()
      .$type<Channel[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    doNotSell: boolean('do_not_sell').notNull().default(false),
    // Chain head: the last event's sequence number and hash. Guarded by the row lock.
    lastSeq: integer('last_seq').notNull().default(0),
    headHash: text('head_hash').notNull().default(''),
  },
  (t) => [
    uniqueIndex('subscribers_external_id_idx')
      .on(t.workspaceId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    uniqueIndex('subscribers_email_idx')
      .on(t.workspaceId, t.email)
      .where(sql`${t.email} is not null`),
    uniqueIndex('subscribers_phone_idx')
      .on(t.workspaceId, t.phone)
      .where(sql`${t.phone} is not null`),
  ],
);
export type Subscriber = typeof subscribers.$inferSelect;

/** Current state per subscriber x category x channel: a projection of the ledger. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    workspaceId: uuid('workspace_id').notNull(),
    subscriberId: uuid('subscriber_id')
      .notNull()
      .references(() => subscribers.id),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => categories.id),
    channel: text('channel').$type<Channel>().notNull(),
    status: text('status').$type<SubscriptionStatus>().notNull(),
    frequency: text('frequency').$type<Frequency>(),
    /** The subscriber opted out themselves: only their own explicit opt-in reverses it. */
    ownOptOut: boolean('own_opt_out').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.subscriberId, t.categoryId, t.channel] }),
    index('subscriptions_category_idx').on(t.workspaceId, t.categoryId, t.channel, t.status),
  ],
);
export type Subscription = typeof subscriptions.$inferSelect;

/**
 * Messages a sender reports having sent, so the check can enforce each subscriber's chosen
 * frequency (a rolling window per category x channel). Not consent and not in the ledger, but
 * personal data of a sort: erasure deletes a subscriber's sends. `message_id` is the sender's own
 * id for the message; a send with one is recorded once per workspace.
 */
export const sends = pgTable(
  'sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull(),
    // No foreign keys, as on the ledger: a hot, append-mostly table, written only by statements
    // that resolve both ids from these tables' rows, which are never deleted (archived, erased).
    subscriberId: uuid('subscriber_id').notNull(),
    categoryId: uuid('category_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }).notNull(),
    messageId: text('message_id'),
    createdAt: createdAt(),
  },
  (t) => [
    // "The last send of these subscribers for this category and channel since T": one index probe each.
    index('sends_last_idx').on(
      t.workspaceId,
      t.categoryId,
      t.channel,
      t.subscriberId,
      t.sentAt.desc(),
    ),
    uniqueIndex('sends_message_id_idx')
      .on(t.workspaceId, t.messageId)
      .where(sql`${t.messageId} is not null`),
    // Erasure deletes one subscriber's sends.
    index('sends_subscriber_idx').on(t.subscriberId),
  ],
);
export type Send = typeof sends.$inferSelect;
export type NewSend = typeof sends.$inferInsert;

/**
 * The ledger. Append-only (triggers refuse UPDATE, DELETE, TRUNCATE), free of direct personal
 * data: evidence lives in `evidence`, referenced by id and committed to by a salted digest.
 */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    seq: integer('seq').notNull(),
    /** All events written by one call of the one door for one subscriber (an undo restores it). */
    changeId: uuid('change_id').notNull(),
    type: text('type').notNull(),
    categoryId: uuid('category_id'),
    channel: text('channel').$type<Channel>(),
    before: jsonb('before').notNull(),
    after: jsonb('after').notNull(),
    source: text('source').$type<Source>().notNull(),
    evidenceId: uuid('evidence_id'),
    evidenceDigest: text('evidence_digest').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('consent_events_chain_idx').on(t.subscriberId, t.seq),
    index('consent_events_workspace_idx').on(t.workspaceId, t.occurredAt),
    index('consent_events_change_idx').on(t.changeId),
  ],
);
export type ConsentEvent = typeof consentEvents.$inferSelect;

export type EvidenceData = {
  ip?: string;
  userAgent?: string;
  formId?: string;
  origin?: string;
  consentTextId?: string;
  consentTextVersion?: number;
  tokenKid?: string;
  tokenPurpose?: string;
  apiKeyId?: string;
  adminId?: string;
  keyword?: string;
  comment?: string;
  undoOf?: string;
  detail?: Record<string, unknown>;
};

/** Personal evidence behind events; deleted on erasure, which leaves the ledger verifiable. */
export const evidence = pgTable(
  'evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    salt: text('salt').notNull(),
    data: jsonb('data').$type<EvidenceData>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('evidence_subscriber_idx').on(t.subscriberId)],
);
export type Evidence = typeof evidence.$inferSelect;

export const ledgerCheckpoints = pgTable(
  'ledger_checkpoints',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull(),
    subscriberCount: integer('subscriber_count').notNull(),
    eventCount: bigint('event_count', { mode: 'number' }).notNull(),
    /** sha256 over the sorted `subscriber_id:seq:hash` lines of every chain head. */
    rootHash: text('root_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ledger_checkpoints_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export const ledgerCheckpointHeads = pgTable(
  'ledger_checkpoint_heads',
  {
    checkpointId: bigint('checkpoint_id', { mode: 'number' }).notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    seq: integer('seq').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.checkpointId, t.subscriberId] })],
);

export const FEEDBACK_REASONS = [
  'too_frequent',
  'not_relevant',
  'never_signed_up',
  'prefer_other_channel',
  'privacy',
  'other',
] as const;

export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    changeId: uuid('change_id').notNull(),
    reason: text('reason', { enum: FEEDBACK_REASONS }),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('feedback_change_idx').on(t.changeId)],
);

/** Jobs written in the same transaction as the change that caused them. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id'),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'done', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [index('outbox_due_idx').on(t.runAt).where(sql`${t.status} = 'pending'`)],
);
export type OutboxJob = typeof outbox.$inferSelect;

/** Single-use tokens (undo links) that have been spent. */
export const spentTokens = pgTable('spent_tokens', {
  jti: text('jti').primaryKey(),
  workspaceId: uuid('workspace_id').notNull(),
  spentAt: timestamp('spent_at', { withTimezone: true }).notNull().defaultNow(),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    workspaceId: uuid('workspace_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['running', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] })],
);

/** Erased or bounced addresses, as a keyed hash so the person cannot be re-added. */
export const suppressions = pgTable(
  'suppressions',
  {
    workspaceId: uuid('workspace_id').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    addressHash: text('address_hash').notNull(),
    keyVersion: integer('key_version').notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.channel, t.addressHash] })],
);

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    url: text('url').notNull(),
    secret: text('secret').notNull(),
    events: text('events').array().notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_endpoints_workspace_idx').on(t.workspaceId)],
);

/** What a webhook endpoint can subscribe to; each is an outbox job kind the one door writes. */
export const WEBHOOK_EVENTS = [
  'consent.changed',
  'subscriber.erased',
  'feedback.received',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * One event for one endpoint. Its id is the `webhook-id` of every attempt, so receivers can
 * de-duplicate; `seq` is the subscriber's ledger position, so they can order. The body is built
 * from the ledger at each attempt and never stored.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventType: text('event_type').$type<WebhookEvent>().notNull(),
    /** The change (consent.changed, subscriber.erased) or the feedback (feedback.received). */
    eventRef: uuid('event_ref').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    seq: integer('seq').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'skipped'] })
      .notNull()
      .default('pending'),
    /** Attempts made so far; the next attempt's job carries this plus one. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // A fan-out job that runs twice creates each delivery once.
    uniqueIndex('webhook_deliveries_event_idx').on(t.endpointId, t.eventType, t.eventRef),
    index('webhook_deliveries_subscriber_idx').on(t.subscriberId),
  ],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** Every attempt to deliver, with what the receiver answered (a short excerpt at most). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true, precision: 3 }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    /** The start of the receiver's answer; erasure clears it (it may echo personal data). */
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [
    index('webhook_attempts_endpoint_idx').on(t.endpointId, t.attemptedAt),
    index('webhook_attempts_delivery_idx').on(t.deliveryId),
  ],
);
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;

/** Dev mailbox: every mail Dial would send when SMTP_URL is unset. */
export const mailbox = pgTable(
  'mailbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id'),
    to: text('to').notNull(),
    from: text('from').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('mailbox_to_idx').on(t.to)],
);

// --- the admin console ------------------------------------------------------------------------

/** Roles, weakest first: each can do what the ones before it can (domain/admin-guard.ts). */
export const ADMIN_ROLES = ['viewer', 'editor', 'owner'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** People who sign in to the console. An address is stored trimmed and lower-cased. */
export const admins = pgTable(
  'admins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    name: text('name'),
    createdAt: createdAt(),
  },
  (t) => [check('admins_email_normalised', sql`${t.email} = lower(btrim(${t.email}))`)],
);
export type Admin = typeof admins.$inferSelect;

/** Which workspaces an admin may open, and as what. Read on every action, never cached. */
export const memberships = pgTable(
  'memberships',
  {
    adminId: uuid('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    role: text('role', { enum: ADMIN_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.adminId, t.workspaceId] }),
    index('memberships_workspace_idx').on(t.workspaceId),
  ],
);
export type Membership = typeof memberships.$inferSelect;

/**
 * Single-use magic-link tokens. Only a SHA-256 of the token is kept: whoever reads this table
 * cannot sign in with what they find.
 */
export const adminSignInTokens = pgTable(
  'admin_sign_in_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    adminId: uuid('admin_id')
      .notNull()
      .references(() => admins.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('admin_sign_in_tokens_admin_idx').on(t.adminId)],
);

/**
 * What admins did, per workspace (null: not about one workspace). `adminId` null means the
 * CLI, which has no signed-in admin.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id),
    adminId: uuid('admin_id').references(() => admins.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    target: text('target'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);
export type AuditEntry = typeof auditLog.$inferSelect;

// --- analytics ------------------------------------------------------------------------------

export const LINK_VISIT_PAGES = ['unsubscribe', 'less', 'preferences'] as const;
export type LinkVisitPage = (typeof LINK_VISIT_PAGES)[number];

/**
 * Each GET of a subscriber's link that rendered its page: what the analytics' save rate and
 * scanner counts are built from (domain/link-visits.ts). Not consent and not in the ledger; free
 * of direct personal data (no address, IP or user agent: only whether the agent looked like a
 * known link scanner). Written best-effort, never in the way of the page.
 */
export const linkVisits = pgTable(
  'link_visits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    page: text('page').$type<LinkVisitPage>().notNull(),
    /** The link's category and channel, as its token names them (null: every one). */
    categoryId: uuid('category_id'),
    channel: text('channel').$type<Channel>(),
    /** When the link was made (the token's issue time): senders make links as they send. */
    linkIssuedAt: timestamp('link_issued_at', { withTimezone: true, precision: 3 }),
    /** The user agent matched a known security scanner's pattern. */
    scannerAgent: boolean('scanner_agent').notNull().default(false),
    visitedAt: timestamp('visited_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    index('link_visits_workspace_idx').on(t.workspaceId, t.visitedAt),
    index('link_visits_subscriber_idx').on(t.subscriberId),
  ],
);
export type LinkVisit = typeof linkVisits.$inferSelect;
export type NewLinkVisit = typeof linkVisits.$inferInsert;

// --- imports ----------------------------------------------------------------------------------

export const IMPORT_STATUSES = [
  'uploading',
  'uploaded',
  'queued',
  'running',
  'done',
  'failed',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Which column (0-based) of the file holds what; consent columns are one per category x channel. */
export type ImportColumnMapping = {
  email: number | null;
  phone: number | null;
  externalId: number | null;
  locale: number | null;
  consents: { column: number; category: string; channel: Channel }[];
};

/**
 * A CSV import (domain/imports.ts): uploaded into `import_rows`, mapped and previewed, then
 * applied by an outbox job in batches. `done_rows` is the resume point: every row up to it was
 * applied (or reported) in a committed batch, so a retried job starts after it.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    createdBy: uuid('created_by').references(() => admins.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploading'),
    header: jsonb('header').$type<string[]>().notNull().default([]),
    mapping: jsonb('mapping').$type<ImportColumnMapping>(),
    preview: jsonb('preview').$type<Record<string, unknown>>(),
    totalRows: integer('total_rows').notNull().default(0),
    doneRows: integer('done_rows').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    unchangedCount: integer('unchanged_count').notNull().default(0),
    skippedCount: integer('skipped_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('imports_workspace_idx').on(t.workspaceId, t.createdAt)],
);
export type Import = typeof imports.$inferSelect;

/**
 * An uploaded file's rows, as read (personal data: only the problem rows are kept once the import
 * is done, for its error report). `outcome` and `reason` are set when the row is applied.
 */
export const importRows = pgTable(
  'import_rows',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    row: integer('row').notNull(),
    cells: jsonb('cells').$type<string[]>().notNull(),
    malformed: text('malformed'),
    outcome: text('outcome', { enum: ['created', 'updated', 'unchanged', 'skipped', 'error'] }),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.row] })],
);
