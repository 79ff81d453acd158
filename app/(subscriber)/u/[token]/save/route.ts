import { postReducedPreferences } from '@/http/subscriber/preferences';

export const dynamic = 'force-dynamic';
export const POST = postReducedPreferences;
