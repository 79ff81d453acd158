import { getOpenApi } from '@/http/v1/openapi';

export const dynamic = 'force-dynamic';
export const GET = getOpenApi;
