import { downloadMyData } from '@/http/subscriber/my-data';

export const dynamic = 'force-dynamic';
export const GET = downloadMyData;
