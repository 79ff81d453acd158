import { headers } from 'next/headers';
import { consentReceiptResponse } from '@/domain/consent-receipt';
import { adminSession } from '../../../../../auth';

/**
 * GET: the consent receipt as a JSON download. The guard runs inside consentReceiptResponse
 * (session, membership, workspace: 401/404 as problem+json), which also audits the export.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
): Promise<Response> {
  const { workspace, id } = await params;
  return consentReceiptResponse({
    session: await adminSession(),
    workspaceSlug: decodeURIComponent(workspace),
    subscriberId: id,
    ip: (await headers()).get('x-dial-remote-addr'),
  });
}

export const dynamic = 'force-dynamic';
