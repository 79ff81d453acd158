import { eraseMyData, showEraseConfirmation } from '@/http/subscriber/my-data';

export const dynamic = 'force-dynamic';
export const GET = showEraseConfirmation;
export const POST = eraseMyData;
