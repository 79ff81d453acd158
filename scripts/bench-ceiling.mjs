/**
 * The bench's ceiling (scripts/bench.ts spawns it): a bare `node:http` server, no framework, a
 * `pg` Pool of 10, and per request one indexed SELECT on the bench's subscribers, answered as
 * JSON. It reads the same request body as POST /api/v1/check (`{subscriber: {email}}`), so the
 * only difference from Dial's fast path is everything Dial does besides that one lookup.
 *
 * Env: DATABASE_URL, BENCH_WORKSPACE_ID, PORT (default 3401).
 */
import http from 'node:http';
import pg from 'pg';

const { DATABASE_URL, BENCH_WORKSPACE_ID } = process.env;
const port = Number(process.env.PORT ?? 3401);
if (!DATABASE_URL || !BENCH_WORKSPACE_ID) {
  console.error('bench-ceiling: DATABASE_URL and BENCH_WORKSPACE_ID are required');
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const SELECT = 'select id, email from subscribers where email = $1 and workspace_id = $2';

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const email = String(body?.subscriber?.email ?? '');
      const { rows } = await pool.query(SELECT, [email, BENCH_WORKSPACE_ID]);
      const payload = JSON.stringify({ found: rows.length > 0, subscriber: rows[0] ?? null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`bench-ceiling: listening on ${port}`));

const stop = () => {
  server.close();
  server.closeIdleConnections();
  pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
