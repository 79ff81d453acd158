import { postLinkRequest } from '@/http/subscriber/link-request';

export const dynamic = 'force-dynamic';
export const POST = postLinkRequest;
