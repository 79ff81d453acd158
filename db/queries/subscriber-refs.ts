import { sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';

export type LiveSubscriberKeys = {
  id: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
};

/**
 * The live (not erased) subscribers that any of these references name, in one statement however
 * many there are, with the keys to match each reference back to its subscriber.
 */
export async function findLiveSubscribersByRefs(
  database: DbOrTx,
  input: {
    workspaceId: string;
    ids: string[];
    externalIds: string[];
    emails: string[];
    phones: string[];
  },
): Promise<LiveSubscriberKeys[]> {
  const rows = await queryRows<{
    id: string;
    external_id: string | null;
    email: string | null;
    phone: string | null;
  }>(
    database,
    sql`
    select s.id, s.external_id, s.email, s.phone
    from subscribers s
    where s.workspace_id = ${input.workspaceId}
      and s.erased_at is null
      and (s.id = any(${textArray(input.ids)}::uuid[])
        or s.external_id = any(${textArray(input.externalIds)}::text[])
        or s.email = any(${textArray(input.emails)}::text[])
        or s.phone = any(${textArray(input.phones)}::text[]))`,
  );
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    email: r.email,
    phone: r.phone,
  }));
}

/** A text[] literal, so both drivers pass the array as one parameter, the same way. */
function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
