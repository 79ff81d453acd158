import { getSuppressions } from '@/http/v1/suppressions';

export const dynamic = 'force-dynamic';
export const GET = getSuppressions;
