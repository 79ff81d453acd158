import { adminSession } from '@/app/(admin)/auth';
import { exportCsv } from '../../handlers';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; kind: string }> },
) {
  const { workspace, kind } = await params;
  return exportCsv(request, { session: await adminSession(), workspace, kind });
}
