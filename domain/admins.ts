import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  deleteExpiredSignInTokens,
  findAdminByEmail,
  findAdminById,
  findSignInToken,
  insertSignInToken,
  listAdminWorkspaces,
  spendSignInToken,
  upsertAdmin,
  upsertMembership,
} from '@/db/queries/admins';
import { insertAuditForMemberships } from '@/db/queries/audit';
import { findJob, insertJobs } from '@/db/queries/outbox';
import { ADMIN_ROLES, type AdminRole } from '@/db/schema';
import { config } from '@/platform/config';
import { signInRequestSchema } from './admin-validation';
import { AUDIT_ACTIONS, auditAddress, recordAudit } from './audit';
import { DomainError } from './errors';
import { networkOf } from './link-request';
import { sendMail } from './mail';
import { adminSignInLink } from './mail-templates';
import { type Job, PermanentJobError, registerJobHandler } from './outbox';
import { overLimit } from './rate-limit';
import { emailSchema } from './subscribers';
import { requireWorkspace } from './workspaces';

/**
 * Admin accounts and their sign-in. An admin signs in with a magic link: a single-use token,
 * valid for 15 minutes, of which only a SHA-256 is stored. Opening the link shows a page with a
 * button; only the button's POST (through next-auth's Credentials provider) spends the token, so
 * a mail scanner that fetches every link cannot sign anyone in or use the link up.
 */

export const SIGN_IN_TOKEN_MINUTES = 15;
export const SIGN_IN_CONFIRM_PATH = '/admin/sign-in/confirm';

/** `dsi_` and 32 random bytes in base64url: what the link carries, never stored. */
const TOKEN_SHAPE = /^dsi_[A-Za-z0-9_-]{43}$/;

export const adminEmailSchema = emailSchema;
export const adminRoleSchema = z.enum(ADMIN_ROLES, {
  message: `The role must be one of ${ADMIN_ROLES.join(', ')}.`,
});

export function signInTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function signInUrl(token: string): string {
  return `${config().baseUrl}${SIGN_IN_CONFIRM_PATH}?token=${encodeURIComponent(token)}`;
}

/** A fresh token for the admin; its hash is stored, the token itself only returned. */
export async function issueSignInToken(
  database: DbOrTx,
  adminId: string,
  now = new Date(),
): Promise<string> {
  const token = `dsi_${randomBytes(32).toString('base64url')}`;
  // Expired a day ago or more: kept that long so a late click still hears "expired", then dropped.
  await deleteExpiredSignInTokens(database, adminId, new Date(now.getTime() - 86_400_000));
  await insertSignInToken(database, {
    tokenHash: signInTokenHash(token),
    adminId,
    expiresAt: new Date(now.getTime() + SIGN_IN_TOKEN_MINUTES * 60_000),
  });
  return token;
}

// --- bootstrap (the CLI) ------------------------------------------------------------------------

export type CreateAdminResult = {
  adminId: string;
  email: string;
  created: boolean;
  role: AdminRole;
  previousRole: AdminRole | undefined;
  workspace: { id: string; slug: string };
  signInUrl: string;
};

/**
 * `dial admin create`: the admin (created if new) gets `role` in the workspace, and a one-time
 * sign-in link. Repeating it changes nothing but the role and gives a new link.
 */
export async function createAdmin(
  input: { email: string; workspaceSlug: string; role: string; now?: Date },
  database?: Db,
): Promise<CreateAdminResult> {
  const email = parseOrThrow(adminEmailSchema, input.email, 'email');
  const role = parseOrThrow(adminRoleSchema, input.role, 'role');
  const dbh = database ?? (await getDb());
  const workspace = await requireWorkspace(input.workspaceSlug, dbh);
  return dbh.transaction(async (tx) => {
    const admin = await upsertAdmin(tx, email);
    const previousRole = await upsertMembership(tx, {
      adminId: admin.id,
      workspaceId: workspace.id,
      role,
    });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      adminId: null,
      action: AUDIT_ACTIONS.create,
      target: email,
      detail: { via: 'cli', role, ...(previousRole ? { previousRole } : {}), new: admin.created },
    });
    const token = await issueSignInToken(tx, admin.id, input.now);
    return {
      adminId: admin.id,
      email,
      created: admin.created,
      role,
      previousRole,
      workspace: { id: workspace.id, slug: workspace.slug },
      signInUrl: signInUrl(token),
    };
  });
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? `Invalid ${path}.`;
  throw new DomainError('validation', message, { errors: [{ path, message }] });
}

// --- the link -----------------------------------------------------------------------------------

export type SignInTokenState = 'valid' | 'used' | 'expired' | 'invalid';

/** What the confirm page shows for a token, without spending it (a GET changes nothing). */
export async function signInTokenState(
  token: string | null | undefined,
  now = new Date(),
  database?: Db,
): Promise<SignInTokenState> {
  if (!token || !TOKEN_SHAPE.test(token)) return 'invalid';
  const dbh = database ?? (await getDb());
  const row = await findSignInToken(dbh, signInTokenHash(token));
  return stateOf(row, now);
}

function stateOf(
  row: { usedAt: Date | null; expiresAt: Date } | undefined,
  now: Date,
): SignInTokenState {
  if (!row) return 'invalid';
  if (row.usedAt) return 'used';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

export type SignInResult =
  | { ok: true; adminId: string }
  | { ok: false; reason: Exclude<SignInTokenState, 'valid'> };

/**
 * Spends the token and records the sign-in in the log of each of the admin's workspaces, in one
 * transaction. A token works once: a second use, an expired or unknown one says why.
 */
export async function signInWithToken(
  input: { token: string | null | undefined; ip?: string | null; userAgent?: string | null },
  now = new Date(),
  database?: Db,
): Promise<SignInResult> {
  const token = input.token ?? '';
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid' };
  const hash = signInTokenHash(token);
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx): Promise<SignInResult> => {
    const spent = await spendSignInToken(tx, hash, now);
    if (!spent) {
      const state = stateOf(await findSignInToken(tx, hash), now);
      return { ok: false, reason: state === 'valid' ? 'used' : state };
    }
    await insertAuditForMemberships(tx, {
      adminId: spent.adminId,
      action: AUDIT_ACTIONS.signIn,
      detail: {
        via: 'magic_link',
        ...(input.userAgent ? { userAgent: input.userAgent.slice(0, 200) } : {}),
      },
      ip: auditAddress(input.ip),
    });
    return { ok: true, adminId: spent.adminId };
  });
}

/** Sign-out, in the log of each of the admin's workspaces. */
export async function recordSignOut(
  input: { adminId: string; ip?: string | null },
  database?: Db,
): Promise<void> {
  const dbh = database ?? (await getDb());
  await insertAuditForMemberships(dbh, {
    adminId: input.adminId,
    action: AUDIT_ACTIONS.signOut,
    detail: {},
    ip: auditAddress(input.ip),
  });
}

export function adminWorkspaces(adminId: string, database: DbOrTx) {
  return listAdminWorkspaces(database, adminId);
}

// --- "email me a sign-in link" ---------------------------------------------------------------

const HOUR = 3_600_000;

/** Per process (see rate-limit.ts); each counted only when the ones before allowed the request. */
export const SIGN_IN_LINK_LIMITS = {
  ip: { limit: 10, windowMs: HOUR },
  address: { limit: 5, windowMs: HOUR },
} as const;

export type SignInLinkAnswer =
  | { status: 'sent' }
  | { status: 'rate_limited'; retryAfterSeconds: number };

export const ADMIN_SIGN_IN_LINK = 'mail.admin_sign_in_link';
const signInLinkPayloadSchema = z.object({ adminId: z.guid() });

/**
 * The same answer whether or not the address belongs to an admin (no enumeration). A known
 * address gets an outbox job naming the admin by id only; the token is made when the mail is
 * sent, so no raw token is ever stored, not even in the outbox.
 */
export async function requestSignInLink(
  input: { email: string; ip?: string | null; now?: Date },
  database?: Db,
): Promise<SignInLinkAnswer> {
  const parsed = signInRequestSchema.safeParse({ email: input.email });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Enter your email address.';
    throw new DomainError('validation', message, { errors: [{ path: 'email', message }] });
  }
  const email = parsed.data.email.toLowerCase();
  const now = (input.now ?? new Date()).getTime();
  const ip = input.ip?.trim();
  const refused =
    (ip
      ? overLimit(`admin-sign-in:ip:${networkOf(ip)}`, SIGN_IN_LINK_LIMITS.ip, now)
      : undefined) ??
    overLimit(
      `admin-sign-in:address:${createHash('sha256').update(email).digest('base64url')}`,
      SIGN_IN_LINK_LIMITS.address,
      now,
    );
  if (refused) return refused;

  const dbh = database ?? (await getDb());
  const admin = await findAdminByEmail(dbh, email);
  if (admin) {
    await insertJobs(dbh, [
      { workspaceId: null, kind: ADMIN_SIGN_IN_LINK, payload: { adminId: admin.id } },
    ]);
  } else {
    // A round trip in place of the insert, so an unknown address does not answer visibly faster.
    await findJob(dbh, randomUUID());
  }
  return { status: 'sent' };
}

/**
 * Queues the sign-in link mail for an admin (the same outbox job as "email me a sign-in link"),
 * in the caller's transaction: the team page's invitation. The token is made when the mail is
 * sent, so none is stored, not even in the outbox.
 */
export async function enqueueSignInLink(database: DbOrTx, adminId: string): Promise<void> {
  await insertJobs(database, [
    { workspaceId: null, kind: ADMIN_SIGN_IN_LINK, payload: { adminId } },
  ]);
}

/** The outbox job: a fresh token, and the mail with its link. */
export async function sendAdminSignInLink(job: Job, database?: Db): Promise<void> {
  const parsed = signInLinkPayloadSchema.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError(`${job.kind}: invalid payload`);
  const dbh = database ?? (await getDb());
  const admin = await findAdminById(dbh, parsed.data.adminId);
  if (!admin) return; // removed since: nobody to sign in
  const token = await issueSignInToken(dbh, admin.id);
  const mail = adminSignInLink({
    signInUrl: signInUrl(token),
    validMinutes: SIGN_IN_TOKEN_MINUTES,
  });
  await sendMail(
    {
      workspaceId: null,
      to: admin.email,
      from: { name: 'Dial', address: `no-reply@${new URL(config().baseUrl).hostname}` },
      ...mail,
      dedupeKey: `${job.kind}:${job.id}`,
    },
    dbh,
  );
}

export function registerAdminJobs(): void {
  registerJobHandler(ADMIN_SIGN_IN_LINK, (job) => sendAdminSignInLink(job));
}
