import { postFeedback } from '@/http/subscriber/unsubscribe';

export const dynamic = 'force-dynamic';
export const POST = postFeedback;
