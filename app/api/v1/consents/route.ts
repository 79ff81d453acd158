import { postConsents } from '@/http/v1/consents';

export const dynamic = 'force-dynamic';
export const POST = postConsents;
