import { adminSession } from '@/app/(admin)/auth';
import { sampleCsv } from '../handlers';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ workspace: string }> },
) {
  const { workspace } = await params;
  return sampleCsv(request, { session: await adminSession(), workspace });
}
