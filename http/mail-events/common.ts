import type { MailEventSettings, Workspace } from '@/db/schema';
import { DomainError } from '@/domain/errors';
import type { MailEventOutcome, MailService } from '@/domain/mail-events';
import { requireWorkspace } from '@/domain/workspaces';
import { pathParam } from '../api';
import { json, problemFromError } from '../problem';

/**
 * What the mail-event endpoints share: the workspace from the path, its settings for the
 * service, and their answers. A refusal is problem+json with a stable type; the services only
 * look at the status (a 2xx stops their retries, anything else makes them retry), so an event
 * that is verified but ignored still answers 200.
 */

export type MailEventHandler = (request: Request) => Promise<Response>;

type Refusal =
  | 'not_found'
  | 'not_configured'
  | 'unverified'
  | 'unauthenticated'
  | 'malformed'
  | 'unavailable';

const REFUSALS: Record<Refusal, [number, string]> = {
  not_found: [404, 'Not found'],
  not_configured: [403, 'This workspace does not take events from this mail service'],
  unverified: [403, 'The event could not be verified'],
  unauthenticated: [401, 'Credentials required'],
  malformed: [400, 'Malformed event'],
  unavailable: [503, 'Could not verify the event now; retry later'],
};

export function refuse(code: Refusal, detail: string, headers: HeadersInit = {}): Response {
  const [status, title] = REFUSALS[code];
  const body = {
    type: `urn:dial:problem:mail-event-${code.replaceAll('_', '-')}`,
    title,
    status,
    detail,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

/** The workspace named in the path, with its settings for `service`, or the refusal to answer. */
export async function workspaceFor(
  request: Request,
  service: MailService,
  configured: (settings: MailEventSettings) => boolean,
): Promise<{ workspace: Workspace; settings: MailEventSettings } | Response> {
  const slug = pathParam(new URL(request.url), `/api/mail-events/${service}/`);
  let workspace: Workspace;
  try {
    workspace = await requireWorkspace(slug);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found')
      return refuse('not_found', `No workspace "${slug}".`);
    throw error;
  }
  const settings = workspace.settings.mailEvents ?? {};
  if (!configured(settings))
    return refuse(
      'not_configured',
      `Workspace "${slug}" is not configured for ${service} events (npm run -s dial -- workspace configure).`,
    );
  return { workspace, settings };
}

export function accepted(outcome: MailEventOutcome | null, extra: Record<string, unknown> = {}) {
  return json({
    ok: true,
    ...(outcome ?? { received: 0, applied: 0, duplicates: 0, changed: 0 }),
    ...extra,
  });
}

/** Errors to answers: a body too large keeps its 413; the unexpected is logged, never shown. */
export function mailEventRoute(handle: MailEventHandler): MailEventHandler {
  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      return problemFromError(error);
    }
  };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
