import { getSubscriberExport } from '@/http/v1/my-data';

export const dynamic = 'force-dynamic';
export const GET = getSubscriberExport;
