import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { admins, auditLog, memberships } from '../schema';

export type NewAuditEntry = typeof auditLog.$inferInsert;

export function insertAuditEntries(database: DbOrTx, rows: NewAuditEntry[]) {
  if (rows.length === 0) return Promise.resolve();
  return database
    .insert(auditLog)
    .values(rows)
    .then(() => undefined);
}

/**
 * One entry per workspace the admin belongs to, in one statement (a sign-in concerns each of
 * them); one entry with no workspace when they belong to none.
 */
export async function insertAuditForMemberships(
  database: DbOrTx,
  entry: Omit<NewAuditEntry, 'workspaceId' | 'adminId'> & { adminId: string },
) {
  const detail = JSON.stringify(entry.detail ?? {});
  const inserted = await database.execute(sql`
    insert into ${auditLog} (workspace_id, admin_id, action, target, detail, ip)
    select ${memberships.workspaceId}, ${entry.adminId}, ${entry.action}, ${entry.target ?? null},
           ${detail}::jsonb, ${entry.ip ?? null}
    from ${memberships} where ${memberships.adminId} = ${entry.adminId}
    returning id`);
  const rows = (inserted as { rows?: unknown[] }).rows ?? [];
  if (rows.length === 0) {
    await database.insert(auditLog).values({ ...entry, workspaceId: null });
  }
}

/** A page of a workspace's log, newest first, after the (createdAt, id) cursor if given. */
export function listAuditEntries(
  database: DbOrTx,
  input: { workspaceId: string; limit: number; before?: { createdAt: Date; id: number } },
) {
  const { before } = input;
  return database
    .select({
      id: auditLog.id,
      action: auditLog.action,
      target: auditLog.target,
      detail: auditLog.detail,
      ip: auditLog.ip,
      createdAt: auditLog.createdAt,
      adminId: auditLog.adminId,
      adminEmail: admins.email,
    })
    .from(auditLog)
    .leftJoin(admins, eq(admins.id, auditLog.adminId))
    .where(
      and(
        eq(auditLog.workspaceId, input.workspaceId),
        before
          ? or(
              lt(auditLog.createdAt, before.createdAt),
              and(eq(auditLog.createdAt, before.createdAt), lt(auditLog.id, before.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(input.limit);
}

/** Entries not tied to a workspace (an admin with no membership signing in). For tests. */
export function listUnscopedAuditEntries(database: DbOrTx, adminId: string) {
  return database
    .select({ action: auditLog.action, detail: auditLog.detail })
    .from(auditLog)
    .where(and(isNull(auditLog.workspaceId), eq(auditLog.adminId, adminId)))
    .orderBy(desc(auditLog.id));
}
