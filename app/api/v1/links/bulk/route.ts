import { postLinksBulk } from '@/http/v1/bulk-links';

export const dynamic = 'force-dynamic';
export const POST = postLinksBulk;
