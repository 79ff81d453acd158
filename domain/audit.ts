import type { DbOrTx } from '@/db/client';
import { db as getDb } from '@/db/client';
import { insertAuditEntries, listAuditEntries } from '@/db/queries/audit';

/**
 * The audit log of admin actions (DESIGN.md, admin console). Every admin action records itself
 * here, in the transaction that does it, through `recordAudit`: an action that rolls back leaves
 * no entry, and an entry always means the action happened.
 */

export const AUDIT_ACTIONS = {
  signIn: 'admin.sign_in',
  signOut: 'admin.sign_out',
  create: 'admin.create',
} as const;

export type AuditInput = {
  workspaceId: string | null;
  /** The admin who acted; null for the CLI, which has no signed-in admin. */
  adminId: string | null;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
};

export async function recordAudit(tx: DbOrTx, entry: AuditInput): Promise<void> {
  await insertAuditEntries(tx, [
    {
      workspaceId: entry.workspaceId,
      adminId: entry.adminId,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail ?? {},
      ip: auditAddress(entry.ip),
    },
  ]);
}

/** The client's address as people read it: an IPv4 address mapped into IPv6 shown as IPv4. */
export function auditAddress(ip: string | null | undefined): string | null {
  const bare = ip?.trim();
  if (!bare) return null;
  return bare.replace(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i, '$1').slice(0, 64);
}

export type AuditLogEntry = {
  id: number;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
  adminId: string | null;
  adminEmail: string | null;
};

export type AuditLogPage = { entries: AuditLogEntry[]; nextCursor: string | null };

export const AUDIT_PAGE_SIZE = 25;

/** A page of the workspace's log, newest first; `cursor` is the previous page's `nextCursor`. */
export async function auditLogPage(
  input: { workspaceId: string; cursor?: string | null; limit?: number },
  database?: DbOrTx,
): Promise<AuditLogPage> {
  const dbh = database ?? (await getDb());
  const limit = Math.min(Math.max(input.limit ?? AUDIT_PAGE_SIZE, 1), 100);
  const rows = await listAuditEntries(dbh, {
    workspaceId: input.workspaceId,
    limit: limit + 1,
    before: parseCursor(input.cursor),
  });
  const entries = rows.slice(0, limit);
  const last = entries[entries.length - 1];
  return {
    entries,
    nextCursor: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
  };
}

/** `<ms since epoch>.<id>`; anything else is the first page. */
function parseCursor(cursor: string | null | undefined) {
  const match = /^(\d{1,15})\.(\d{1,18})$/.exec(cursor ?? '');
  if (!match) return undefined;
  return { createdAt: new Date(Number(match[1])), id: Number(match[2]) };
}
