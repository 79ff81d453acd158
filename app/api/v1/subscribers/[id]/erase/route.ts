import { postEraseSubscriber } from '@/http/v1/my-data';

export const dynamic = 'force-dynamic';
export const POST = postEraseSubscriber;
