export const dynamic = 'force-dynamic';

/** A no-op route through Next's router: a liveness ping, and the bench's baseline for Next's toll. */
export function GET(): Response {
  return Response.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
}
