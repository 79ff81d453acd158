import { postConfirm } from '@/http/embed/confirm';

export const dynamic = 'force-dynamic';
export const POST = postConfirm;
