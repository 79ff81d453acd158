import { postPostmarkEvent } from '@/http/mail-events/postmark';

export const dynamic = 'force-dynamic';
export const POST = postPostmarkEvent;
