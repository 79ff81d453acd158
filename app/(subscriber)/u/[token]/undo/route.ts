import { postUndo } from '@/http/subscriber/unsubscribe';

export const dynamic = 'force-dynamic';
export const POST = postUndo;
