import { adminSession } from '@/app/(admin)/auth';
import { uploadImport } from '../handlers';

export const dynamic = 'force-dynamic';

export async function POST(
  request: Request,
  { params }: { params: Promise<{ workspace: string }> },
) {
  const { workspace } = await params;
  return uploadImport(request, { session: await adminSession(), workspace });
}
