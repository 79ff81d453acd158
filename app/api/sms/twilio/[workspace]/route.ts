import { postTwilioInbound } from '@/http/sms/twilio';

export const dynamic = 'force-dynamic';
export const POST = postTwilioInbound;
