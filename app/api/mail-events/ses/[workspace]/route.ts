import { postSesEvent } from '@/http/mail-events/ses';

export const dynamic = 'force-dynamic';
export const POST = postSesEvent;
