import { postCheck } from '@/http/v1/check';

export const dynamic = 'force-dynamic';
export const POST = postCheck;
