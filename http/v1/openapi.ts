import { z } from 'zod';
import { config } from '@/platform/config';
import { json } from '../problem';
import {
  checkRequestSchema,
  consentRequestSchema,
  linksRequestSchema,
  subscriberUpsertSchema,
} from './schemas';

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const problem = {
  description: 'A problem document (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const body = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dial sender API',
      version: '1',
      description:
        'Ask before every send, record consent, read the ledger. Authenticate with `Authorization: Bearer <key>` (create one with `npm run -s dial -- api-key create --workspace <slug>`). Scopes: `read`, `check`, `write` (includes the others). Errors are `application/problem+json`.',
    },
    servers: [{ url: config().baseUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        SubscriberUpsert: schema(subscriberUpsertSchema),
        ConsentRequest: schema(consentRequestSchema),
        CheckRequest: schema(checkRequestSchema),
        CheckAnswer: {
          type: 'object',
          required: ['allowed', 'reason', 'status', 'frequency'],
          properties: {
            allowed: { type: 'boolean' },
            reason: {
              enum: [
                'subscribed',
                'unsubscribed',
                'not_subscribed',
                'pending',
                'paused',
                'global_opt_out',
                'sms_blocked',
                'transactional',
                'unknown_subscriber',
                'unknown_category',
                'unsupported_channel',
              ],
            },
            status: { enum: ['none', 'subscribed', 'unsubscribed', 'pending'] },
            frequency: { type: ['string', 'null'] },
            resumesAt: { type: 'string', format: 'date-time' },
          },
        },
        LinksRequest: schema(linksRequestSchema),
        Links: {
          type: 'object',
          required: ['preferencesUrl', 'unsubscribeUrl', 'oneClickUrl', 'headers'],
          properties: {
            preferencesUrl: { type: 'string', format: 'uri' },
            unsubscribeUrl: { type: 'string', format: 'uri' },
            oneClickUrl: { type: 'string', format: 'uri' },
            headers: {
              type: 'object',
              required: ['List-Unsubscribe', 'List-Unsubscribe-Post'],
              properties: {
                'List-Unsubscribe': { type: 'string', examples: ['<https://…/u/…/one-click>'] },
                'List-Unsubscribe-Post': { const: 'List-Unsubscribe=One-Click' },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/subscribers': {
        post: {
          summary: 'Create or update a subscriber (matched by externalId, then email, then phone)',
          requestBody: body('SubscriberUpsert'),
          responses: {
            '200': ok('Updated'),
            '201': ok('Created'),
            ...errors(400, 401, 403, 409, 413, 415, 422),
          },
        },
      },
      '/api/v1/subscribers/{id}': {
        get: {
          summary: 'A subscriber with its subscriptions',
          parameters: [idParam],
          responses: { '200': ok('The subscriber'), ...errors(401, 403, 404) },
        },
      },
      '/api/v1/subscribers/{id}/events': {
        get: {
          summary: "A subscriber's consent ledger, oldest first",
          parameters: [
            idParam,
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            },
          ],
          responses: { '200': ok('{ events, nextCursor }'), ...errors(401, 403, 404, 422) },
        },
      },
      '/api/v1/subscribers/{id}/export': {
        get: {
          summary:
            'Everything Dial holds about one subscriber (a data access request), ledger included',
          parameters: [idParam],
          responses: { '200': ok('The subscriber data as JSON'), ...errors(401, 403, 404) },
        },
      },
      '/api/v1/subscribers/{id}/erase': {
        post: {
          summary:
            'Erase a subscriber: personal data removed everywhere, a keyed hash kept on the suppression list',
          parameters: [idParam],
          responses: { '200': ok('{ erased: true }'), ...errors(401, 403, 404) },
        },
      },
      '/api/v1/consents': {
        post: {
          summary: 'Change consent; all changes apply or none do',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 255 } },
          ],
          requestBody: body('ConsentRequest'),
          responses: {
            '200': ok('The events written and the resulting subscriptions'),
            ...errors(400, 401, 403, 404, 409, 413, 415, 422),
          },
        },
      },
      '/api/v1/check': {
        post: {
          summary: 'May I send this category on this channel to this subscriber?',
          requestBody: body('CheckRequest'),
          responses: {
            '200': {
              description: 'The answer',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/CheckAnswer' } },
              },
            },
            ...errors(400, 401, 403, 413, 415, 422),
          },
        },
      },
      '/api/v1/links': {
        post: {
          summary: 'Signed links and List-Unsubscribe headers for a message to this subscriber',
          description:
            'Scope `check` or `write`. The preferences link lets whoever holds it opt the subscriber in as well as out, so put it only in messages to that subscriber; it expires (after 90 days unless the operator set otherwise). The unsubscribe and one-click links only reduce consent and never expire. Without a category, the unsubscribe links stop every marketing category on that channel. Put `headers` on the message as they are (RFC 8058). An unknown category, or a channel the category is not offered on, is 422; an unknown or erased subscriber is 404.',
          requestBody: body('LinksRequest'),
          responses: {
            '200': {
              description: 'The links',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Links' } } },
            },
            ...errors(400, 401, 403, 404, 413, 415, 422),
          },
        },
      },
    },
  };
}

export async function getOpenApi(): Promise<Response> {
  return json(openApiDocument(), 200, { 'cache-control': 'public, max-age=300' });
}
