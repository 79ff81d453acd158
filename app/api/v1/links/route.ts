import { postLinks } from '@/http/v1/links';

export const dynamic = 'force-dynamic';
export const POST = postLinks;
