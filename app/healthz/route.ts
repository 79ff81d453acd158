import { sql } from 'drizzle-orm';
import { db, dbKind } from '@/db/client';

export const dynamic = 'force-dynamic';

/** 200 when the database answers; 503 otherwise (load balancers take the instance out). */
export async function GET(): Promise<Response> {
  try {
    const dbh = await db();
    await dbh.execute(sql`select 1`);
    return Response.json(
      { status: 'ok', database: await dbKind() },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch {
    return Response.json(
      { status: 'unavailable', database: 'not answering' },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}
