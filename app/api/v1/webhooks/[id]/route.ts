import { deleteWebhook } from '@/http/v1/webhooks';

export const dynamic = 'force-dynamic';
export const DELETE = deleteWebhook;
