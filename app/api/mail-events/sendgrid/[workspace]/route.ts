import { postSendgridEvent } from '@/http/mail-events/sendgrid';

export const dynamic = 'force-dynamic';
export const POST = postSendgridEvent;
