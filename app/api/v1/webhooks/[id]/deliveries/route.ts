import { listWebhookDeliveries } from '@/http/v1/webhooks';

export const dynamic = 'force-dynamic';
export const GET = listWebhookDeliveries;
