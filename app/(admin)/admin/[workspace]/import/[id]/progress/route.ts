import { adminSession } from '@/app/(admin)/auth';
import { importProgress } from '../../handlers';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string; id: string }> },
) {
  const { workspace, id } = await params;
  return importProgress(request, { session: await adminSession(), workspace, id });
}
