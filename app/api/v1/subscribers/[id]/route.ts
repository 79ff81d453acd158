import { getSubscriber } from '@/http/v1/subscribers';

export const dynamic = 'force-dynamic';
export const GET = getSubscriber;
