import { ZodError, type z } from 'zod';
import type { Db } from '@/db/client';
import type { AdminRole } from '@/db/schema';
import { type AdminAccess, AdminAccessError, type AdminSession, requireAdmin } from './admin-guard';
import { DomainError } from './errors';

/**
 * What every admin server action runs through (STYLE.md, "one wrapper defines every server
 * action"): the guard first, so a caller without access learns nothing, not even whether the
 * input was valid; then the zod schema the form shares; then the action; then every failure as
 * a result the form can show. No Next here: app/(admin)/admin/admin-action.ts supplies the
 * session and the client's address.
 */

export type AdminActionErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'conflict'
  | 'consent_refused'
  | 'failed';

export type AdminActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      code: AdminActionErrorCode;
      message: string;
      fieldErrors?: Record<string, string>;
    };

export type AdminActionContext = AdminAccess & { ip: string | null };

export async function runAdminAction<S extends z.ZodType, T>(
  request: {
    session: AdminSession;
    workspaceSlug: string;
    input: unknown;
    ip?: string | null;
  },
  spec: { schema: S; role: AdminRole },
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>,
  database?: Db,
): Promise<AdminActionResult<T>> {
  try {
    const access = await requireAdmin(request.session, request.workspaceSlug, spec.role, database);
    const parsed = spec.schema.safeParse(request.input);
    if (!parsed.success) return validationResult(parsed.error);
    return { ok: true, data: await run(parsed.data, { ...access, ip: request.ip ?? null }) };
  } catch (error) {
    if (error instanceof AdminAccessError)
      return { ok: false, code: error.code, message: error.message };
    if (error instanceof ZodError) return validationResult(error);
    if (error instanceof DomainError) {
      const code: AdminActionErrorCode =
        error.code === 'not_found' ||
        error.code === 'validation' ||
        error.code === 'conflict' ||
        error.code === 'consent_refused'
          ? error.code
          : 'failed';
      const fieldErrors = fieldErrorsOf(error.details?.errors);
      return { ok: false, code, message: error.message, ...(fieldErrors ? { fieldErrors } : {}) };
    }
    // Anything else is a bug or an outage: logged here, never shown (no stack traces in forms).
    console.error('dial: admin action failed:', error);
    return { ok: false, code: 'failed', message: 'That did not work. Try again in a moment.' };
  }
}

function validationResult(error: ZodError): AdminActionResult<never> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || 'form';
    fieldErrors[path] ??= issue.message;
  }
  return {
    ok: false,
    code: 'validation',
    message: error.issues[0]?.message ?? 'Check the form.',
    fieldErrors,
  };
}

function fieldErrorsOf(errors: unknown): Record<string, string> | undefined {
  if (!Array.isArray(errors)) return undefined;
  const out: Record<string, string> = {};
  for (const e of errors as { path?: unknown; message?: unknown }[]) {
    if (typeof e.path === 'string' && typeof e.message === 'string') out[e.path] ??= e.message;
  }
  return Object.keys(out).length ? out : undefined;
}
