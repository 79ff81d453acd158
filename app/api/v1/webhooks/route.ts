import { createWebhook, listWebhooks } from '@/http/v1/webhooks';

export const dynamic = 'force-dynamic';
export const GET = listWebhooks;
export const POST = createWebhook;
