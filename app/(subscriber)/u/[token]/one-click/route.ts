import { getOneClick, postOneClick } from '@/http/subscriber/unsubscribe';

export const dynamic = 'force-dynamic';
export const POST = postOneClick;
export const GET = getOneClick;
