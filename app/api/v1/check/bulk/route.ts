import { postCheckBulk } from '@/http/v1/bulk-check';

export const dynamic = 'force-dynamic';
export const POST = postCheckBulk;
