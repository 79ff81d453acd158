import { postEmbedSubmit } from '@/http/embed/submit';

export const dynamic = 'force-dynamic';
export const POST = postEmbedSubmit;
