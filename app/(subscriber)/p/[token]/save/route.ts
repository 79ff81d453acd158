import { postPreferences } from '@/http/subscriber/preferences';

export const dynamic = 'force-dynamic';
export const POST = postPreferences;
