import { z } from 'zod';
import { CHANNELS } from '@/db/schema';
import {
  type AdminAccess,
  AdminAccessError,
  type AdminSession,
  requireAdmin,
} from '@/domain/admin-guard';
import {
  auditExport,
  csvChunks,
  ledgerLines,
  subscriberLines,
  suppressionLines,
} from '@/domain/exports';
import { csvLine } from '@/domain/import-csv';
import {
  errorReportLines,
  importForAdmin,
  MAX_UPLOAD_BYTES,
  mappableCategories,
  progressOf,
  receiveUpload,
} from '@/domain/imports';

/**
 * The import area's route handlers as plain functions of the request and the session, so tests
 * call them directly; the route files beside them supply the session. Each checks the session,
 * the role (editor or owner: imports and exports carry personal data) and the workspace itself,
 * and answers problems as `application/problem+json`.
 */

export type HandlerContext = { session: AdminSession; workspace: string; id?: string };

const TYPES = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  400: 'malformed',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
} as const;

function problem(status: keyof typeof TYPES, detail: string): Response {
  return new Response(
    JSON.stringify({ type: `urn:dial:problem:${TYPES[status]}`, title: detail, status, detail }),
    {
      status,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    },
  );
}

async function guarded(
  context: HandlerContext,
  run: (access: AdminAccess) => Promise<Response>,
): Promise<Response> {
  try {
    const access = await requireAdmin(context.session, safeDecode(context.workspace), 'editor');
    return await run(access);
  } catch (error) {
    if (error instanceof AdminAccessError) return problem(error.status, error.message);
    throw error;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

const UUID = z.uuid();

function clientIp(request: Request) {
  return request.headers.get('x-dial-remote-addr');
}

/** POST …/import/upload: the CSV file itself as the body; its name in `?name=`. */
export function uploadImport(request: Request, context: HandlerContext): Promise<Response> {
  return guarded(context, async (access) => {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_UPLOAD_BYTES)
      return problem(413, 'The file is too large; split it into smaller files.');
    const type = request.headers.get('content-type') ?? '';
    if (type && !/^(text\/(csv|plain)|application\/(vnd\.ms-excel|octet-stream|csv))\b/i.test(type))
      return problem(415, 'Upload a CSV file.');
    if (!request.body) return problem(400, 'The file is empty.');
    const name = new URL(request.url).searchParams.get('name') ?? 'upload.csv';
    const result = await receiveUpload({
      workspaceId: access.workspace.id,
      adminId: access.admin.id,
      fileName: name,
      body: bodyChunks(request.body),
    });
    if (!result.ok) return problem(result.status, result.message);
    return Response.json(
      { id: result.importId, rows: result.totalRows },
      { status: 201, headers: { 'cache-control': 'no-store' } },
    );
  });
}

async function* bodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (value.byteLength > 0) yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** GET …/import/{id}/progress: the server's own count of the rows done, for the progress bar. */
export function importProgress(_request: Request, context: HandlerContext): Promise<Response> {
  return guarded(context, async (access) => {
    const imp = UUID.safeParse(context.id).success
      ? await importForAdmin(access.workspace.id, context.id as string)
      : undefined;
    if (!imp) return problem(404, 'No such import.');
    return Response.json(progressOf(imp), { headers: { 'cache-control': 'no-store' } });
  });
}

/** GET …/import/{id}/errors: every row not applied, with its values and the reason. */
export function importErrorReport(_request: Request, context: HandlerContext): Promise<Response> {
  return guarded(context, async (access) => {
    const imp = UUID.safeParse(context.id).success
      ? await importForAdmin(access.workspace.id, context.id as string)
      : undefined;
    if (!imp) return problem(404, 'No such import.');
    const base = imp.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '-');
    return csvResponse(csvChunks(errorReportLines(imp)), `${base}-errors.csv`);
  });
}

/** GET …/import/sample: a small file in the shape the import reads, with this workspace's columns. */
export function sampleCsv(_request: Request, context: HandlerContext): Promise<Response> {
  return guarded(context, async (access) => {
    const categories = await mappableCategories(access.workspace.id);
    const consent = categories.flatMap((c) => c.channels.map((ch) => `${c.slug}:${ch}`));
    const header = ['email', 'phone', 'external_id', 'locale', ...consent];
    const value = (i: number, row: number) =>
      i % 3 === row % 3 ? 'subscribed' : i % 3 === (row + 1) % 3 ? 'unsubscribed' : '';
    const rows = [
      ['ana@example.com', '+14155550100', 'cust-1001', 'en', ...consent.map((_, i) => value(i, 0))],
      ['bo@example.com', '', 'cust-1002', 'es', ...consent.map((_, i) => value(i, 1))],
      ['', '+447700900123', '', '', ...consent.map((_, i) => value(i, 2))],
    ];
    const text = [header, ...rows].map(csvLine).join('');
    return new Response(text, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="dial-import-sample.csv"',
        'cache-control': 'no-store',
      },
    });
  });
}

const channelSchema = z.enum(CHANNELS);

/** GET …/import/export/{kind}: subscribers, suppressions (`?channel=`) or the ledger, as CSV. */
export function exportCsv(
  request: Request,
  context: HandlerContext & { kind: string },
): Promise<Response> {
  return guarded(context, async (access) => {
    const workspaceId = access.workspace.id;
    const stamp = new Date().toISOString().slice(0, 10);
    const slug = access.workspace.slug;
    if (context.kind === 'subscribers') {
      await auditExport({
        workspaceId,
        adminId: access.admin.id,
        kind: 'subscribers',
        ip: clientIp(request),
      });
      return csvResponse(
        csvChunks(subscriberLines(workspaceId)),
        `${slug}-subscribers-${stamp}.csv`,
      );
    }
    if (context.kind === 'ledger') {
      await auditExport({
        workspaceId,
        adminId: access.admin.id,
        kind: 'ledger',
        ip: clientIp(request),
      });
      return csvResponse(csvChunks(ledgerLines(workspaceId)), `${slug}-ledger-${stamp}.csv`);
    }
    if (context.kind === 'suppressions') {
      const channel = channelSchema.safeParse(
        new URL(request.url).searchParams.get('channel') ?? 'email',
      );
      if (!channel.success) return problem(400, 'Choose a channel: email, sms, whatsapp or push.');
      await auditExport({
        workspaceId,
        adminId: access.admin.id,
        kind: 'suppressions',
        channel: channel.data,
        ip: clientIp(request),
      });
      return csvResponse(
        csvChunks(suppressionLines(workspaceId, channel.data)),
        `${slug}-suppressions-${channel.data}-${stamp}.csv`,
      );
    }
    return problem(404, 'No such export.');
  });
}

/**
 * A CSV body pulled from the generator as the client reads (one page per pull). A failure part
 * way aborts the body instead of ending it cleanly: a cut-off list that looked whole would mislead.
 */
function csvResponse(chunks: AsyncGenerator<string>, fileName: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error('dial: export failed part way:', error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName.replace(/"/g, '')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
