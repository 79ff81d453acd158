import { createSubscriber } from '@/http/v1/subscribers';

export const dynamic = 'force-dynamic';
export const POST = createSubscriber;
