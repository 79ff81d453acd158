import { postSends } from '@/http/v1/sends';

export const dynamic = 'force-dynamic';
export const POST = postSends;
