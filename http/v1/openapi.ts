import { z } from 'zod';
import { config } from '@/platform/config';
import type { ScopedApiHandler } from '../api';
import { json, problemTypes } from '../problem';
import { postCheckBulk } from './bulk-check';
import { postLinksBulk } from './bulk-links';
import { postCheck } from './check';
import { postConsents } from './consents';
import { postLinks } from './links';
import { getSubscriberExport, postEraseSubscriber } from './my-data';
import {
  bulkCheckRequestSchema,
  bulkLinksRequestSchema,
  checkRequestSchema,
  consentRequestSchema,
  linksRequestSchema,
  sendsRequestSchema,
  subscriberRefSchema,
  subscriberUpsertSchema,
  webhookCreateSchema,
} from './schemas';
import { postSends } from './sends';
import { createSubscriber, getSubscriber, getSubscriberEvents } from './subscribers';
import { getSuppressions } from './suppressions';
import { createWebhook, deleteWebhook, listWebhookDeliveries, listWebhooks } from './webhooks';

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

/**
 * The handler of each operation, as the route files under app/api/v1 mount them: the document
 * takes each operation's scope from its handler, so the two cannot disagree.
 */
export const OPERATION_HANDLERS: Record<string, ScopedApiHandler> = {
  'post /api/v1/subscribers': createSubscriber,
  'get /api/v1/subscribers/{id}': getSubscriber,
  'get /api/v1/subscribers/{id}/events': getSubscriberEvents,
  'get /api/v1/subscribers/{id}/export': getSubscriberExport,
  'post /api/v1/subscribers/{id}/erase': postEraseSubscriber,
  'post /api/v1/consents': postConsents,
  'post /api/v1/check': postCheck,
  'post /api/v1/check/bulk': postCheckBulk,
  'post /api/v1/sends': postSends,
  'post /api/v1/links': postLinks,
  'post /api/v1/links/bulk': postLinksBulk,
  'get /api/v1/suppressions': getSuppressions,
  'post /api/v1/webhooks': createWebhook,
  'get /api/v1/webhooks': listWebhooks,
  'delete /api/v1/webhooks/{id}': deleteWebhook,
  'get /api/v1/webhooks/{id}/deliveries': listWebhookDeliveries,
};

const SCOPE_WORDS = {
  read: 'a `read` or `write` key',
  check: 'a `check` or `write` key',
  write: 'a `write` key',
} as const;

type Operation = {
  security?: unknown;
  responses?: Record<string, unknown>;
  'x-dial-scope'?: string;
  description?: string;
};

/**
 * What every operation shares, added to each: the scope its handler needs (as the security
 * requirement, and in words), and the answers of the authentication and rate limit in front of
 * it (401, 403, 429 with Retry-After).
 */
function withCommonAnswers<T extends { paths: Record<string, Record<string, Operation>> }>(
  doc: T,
): T {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const handler = OPERATION_HANDLERS[`${method} ${path}`];
      if (!handler) continue; // the document itself needs no key
      operation.security = [{ bearer: [handler.scope] }];
      operation['x-dial-scope'] = handler.scope;
      const needs = `Needs ${SCOPE_WORDS[handler.scope]}.`;
      if (!operation.description?.startsWith('Scope ')) {
        operation.description = operation.description ? `${needs} ${operation.description}` : needs;
      }
      operation.responses = {
        ...operation.responses,
        '401': operation.responses?.['401'] ?? {
          ...problem,
          description: 'No API key, or an unknown or revoked one',
        },
        '403': operation.responses?.['403'] ?? {
          ...problem,
          description: `The key's scope does not allow this call (it needs "${handler.scope}")`,
        },
        '429': {
          ...problem,
          description: "Over this key's rate limit (per minute, per instance)",
          headers: {
            'Retry-After': {
              description: 'Seconds until the key may call again',
              schema: { type: 'integer' },
            },
          },
        },
      };
    }
  }
  return doc;
}

export function openApiDocument() {
  return withCommonAnswers(documentWithoutCommonAnswers());
}

function documentWithoutCommonAnswers() {
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
                'frequency',
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
            resumesAt: { type: 'string', format: 'date-time', description: 'When a pause ends' },
            nextAllowedAt: {
              type: 'string',
              format: 'date-time',
              description:
                'With `paused` or `frequency`: the first moment a send will be allowed, if nothing changes',
            },
            recorded: {
              type: 'boolean',
              description:
                'With `record: true`: whether a send is on record for this message (written now, or by an earlier call with the same `messageId`)',
            },
            sendId: { type: 'string', format: 'uuid' },
          },
        },
        SendsRequest: schema(sendsRequestSchema),
        SendsResult: {
          type: 'object',
          required: ['received', 'recorded', 'duplicates', 'rejected'],
          properties: {
            received: { type: 'integer' },
            recorded: { type: 'integer' },
            duplicates: {
              type: 'integer',
              description: 'Sends whose messageId was already on record, or repeated in the batch',
            },
            rejected: {
              type: 'array',
              description: 'Sends not recorded, by their position in the request (0 for one send)',
              items: {
                type: 'object',
                required: ['index', 'reason'],
                properties: {
                  index: { type: 'integer' },
                  reason: {
                    enum: ['unknown_subscriber', 'unknown_category', 'unsupported_channel'],
                  },
                },
              },
            },
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
          description: `Every problem type, with its status and title: ${problemTypes()
            .map(([type, status, title]) => `\`${type}\` (${status}, ${title})`)
            .join('; ')}.`,
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: {
              type: 'string',
              description: 'What kind of problem: switch on this',
              examples: problemTypes().map(([type]) => type),
            },
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
        ...bulkComponentSchemas(),
        ...webhookComponentSchemas(),
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
          description:
            "Scope `check` or `write`. Enforces the subscriber's chosen frequency per category and channel as a rolling window (`daily` 1 day, `weekly` 7 days, `monthly` 30 days, `instant` no limit) over the sends recorded: a send too early is `frequency` with `nextAllowedAt`. Writes nothing, unless `record: true`: then, when the answer is allowed, the send is recorded in the same call (at the time of the call), and a retry with the same `messageId` gets the same answer without recording twice (a `messageId` already used for another send is 422).",
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
      '/api/v1/sends': {
        post: {
          summary: "Record sends, so the check enforces each subscriber's chosen frequency",
          description:
            'Scope `check` or `write`. One send `{subscriber, category, channel, sentAt?, messageId?}` or up to 10,000 in `{sends: [...]}` (body up to 4 MB), recorded in one statement. `sentAt` defaults to now and may not be in the future. A send with a `messageId` already on record is not recorded again. Unknown subscribers or categories are reported in `rejected`, not fatal. Sends are not consent: they never change what a subscriber chose.',
          requestBody: body('SendsRequest'),
          responses: {
            '200': {
              description: 'What was recorded',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/SendsResult' } },
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
      ...bulkPaths(),
      ...webhookPaths(),
    },
    webhooks: webhookEvents(),
  };
}

export async function getOpenApi(): Promise<Response> {
  return json(openApiDocument(), 200, { 'cache-control': 'public, max-age=300' });
}

// --- Bulk check, bulk links, suppression export ----------------------------------------------

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const lineError = {
  type: 'object',
  required: ['line', 'error'],
  description:
    'A reference that is not valid, in its place: `line` is its line in NDJSON (blank lines are skipped but counted), its 1-based place in the array in JSON',
  properties: { line: { type: 'integer' }, error: { type: 'string' } },
};
const problemLine = {
  type: 'object',
  required: ['problem'],
  description:
    'The last line when a problem with the whole request is found after the first line was written: every reference before it was answered, none after',
  properties: { problem: ref('Problem') },
};
const ndjsonOf = (name: string) => ({
  'application/x-ndjson': {
    schema: ref(name),
    description: 'One JSON value a line',
  },
});
const bulkBody = (name: string) => ({
  required: true,
  content: {
    'application/json': { schema: ref(name) },
    'application/x-ndjson': {
      schema: schema(subscriberRefSchema),
      description: 'One subscriber reference a line; the options go in the query string',
    },
  },
});
const optionParams = (required: boolean) => [
  {
    name: 'category',
    in: 'query',
    required: false,
    description: `The category slug${required ? ' (required here or in the JSON body)' : ''}`,
    schema: { type: 'string' },
  },
  {
    name: 'channel',
    in: 'query',
    required: false,
    description: `The channel${required ? ' (required here or in the JSON body)' : ''}`,
    schema: { enum: ['email', 'sms', 'whatsapp', 'push'] },
  },
];

const BULK_INPUT =
  'Send JSON `{..., "subscribers": [ref, ...]}`, or NDJSON (`Content-Type: application/x-ndjson`, one reference a line) with the options in the query string; JSON options may also go in the query string (the body may repeat them only with the same value). The body is read as it arrives and the answers are written as they are ready, one NDJSON line per reference, in input order, 5,000 references at a time. In JSON, put the options before `subscribers` (or in the query string) so the references stream straight through; otherwise they are held until the body ends (at most 100,000). Read the response while you send: when the answers are not read, Dial stops reading the body (backpressure), so a client that sends everything before reading anything can stall; such a client should send at most a few thousand references per request.' +
  '\n\nBad input: a reference that is not valid gets `{line, error}` in its place and the rest is answered. A problem with the whole request (a bad option, a JSON body whose structure is broken, a body over the size limit, too many references) is a problem+json answer when found before the first line is written (so always within the first 5,000 references); after that, every reference before it is answered and a last line `{"problem": {...}}` ends the stream.';

function bulkComponentSchemas() {
  return {
    BulkCheckRequest: schema(bulkCheckRequestSchema),
    BulkLinksRequest: schema(bulkLinksRequestSchema),
    BulkCheckLine: {
      oneOf: [
        {
          type: 'object',
          required: ['ref', 'allowed', 'reason'],
          properties: {
            ref: { type: 'object', description: 'The reference as matched (addresses normalised)' },
            allowed: { type: 'boolean' },
            reason: { type: 'string', description: 'As for POST /api/v1/check' },
            resumesAt: { type: 'string', format: 'date-time' },
            nextAllowedAt: { type: 'string', format: 'date-time' },
          },
        },
        lineError,
        problemLine,
      ],
    },
    BulkLinksLine: {
      oneOf: [
        {
          allOf: [
            { type: 'object', required: ['ref'], properties: { ref: { type: 'object' } } },
            ref('Links'),
          ],
        },
        {
          type: 'object',
          required: ['ref', 'error'],
          description: 'No subscriber of this workspace, or an erased one',
          properties: { ref: { type: 'object' }, error: { const: 'unknown_subscriber' } },
        },
        lineError,
        problemLine,
      ],
    },
    SuppressionEntry: {
      oneOf: [
        {
          type: 'object',
          required: ['address', 'subscriberId', 'externalId', 'reason', 'since'],
          properties: {
            address: {
              type: ['string', 'null'],
              description:
                'The email (channel email) or phone (sms, whatsapp); null for push and once erased',
            },
            subscriberId: { type: 'string', format: 'uuid' },
            externalId: { type: ['string', 'null'] },
            reason: {
              enum: ['erased', 'keyword_block', 'global_opt_out'],
              description: 'The first that applies, in this order',
            },
            since: {
              type: ['string', 'null'],
              format: 'date-time',
              description: 'When the suppression began, from the ledger',
            },
          },
        },
        {
          type: 'object',
          required: ['addressHash', 'keyVersion', 'reason', 'since'],
          description:
            'An erased address, kept only as a keyed hash (HMAC-SHA256, versioned key) so it cannot be re-added',
          properties: {
            addressHash: { type: 'string' },
            keyVersion: { type: 'integer' },
            reason: { type: 'string', examples: ['erasure'] },
            since: { type: 'string', format: 'date-time' },
          },
        },
      ],
    },
  };
}

function bulkPaths() {
  return {
    '/api/v1/check/bulk': {
      post: {
        summary: 'May I send? For up to 2,000,000 subscribers in one streamed call',
        description: `Scope \`check\` or \`write\`. Reads only. Each line answers one reference as POST /api/v1/check would: \`{ref, allowed, reason}\`, with \`resumesAt\`/\`nextAllowedAt\` when a send is held back; an unknown subscriber is \`allowed: false, reason: unknown_subscriber\`, except for a transactional category. Unlike the single check, an unknown category, or a channel the category is not offered on, is a 422 for the whole request. Bodies up to 200 MB. Every answer reflects consent as it stood at most 5 seconds before it was written (a request that covers much of a workspace is answered from a read of the whole workspace, taken again every 5 seconds).\n\n${BULK_INPUT}`,
        parameters: optionParams(true),
        requestBody: bulkBody('BulkCheckRequest'),
        responses: {
          '200': {
            description: 'NDJSON, one line per reference',
            content: ndjsonOf('BulkCheckLine'),
          },
          ...errors(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/v1/links/bulk': {
      post: {
        summary: 'Signed links and headers for up to 100,000 subscribers in one streamed call',
        description: `Scope \`check\` or \`write\`. Each line carries what POST /api/v1/links answers for one reference, with its \`ref\`; a reference that names no subscriber of the workspace, or an erased one, is \`{ref, error: "unknown_subscriber"}\`. \`category\` and \`channel\` are optional, as for one link; in JSON, \`null\` states "none" so the options can come first and the references stream. An unknown category, or a channel the category is not offered on, is a 422. Bodies up to 32 MB.\n\n${BULK_INPUT}`,
        parameters: optionParams(false),
        requestBody: bulkBody('BulkLinksRequest'),
        responses: {
          '200': {
            description: 'NDJSON, one line per reference',
            content: ndjsonOf('BulkLinksLine'),
          },
          ...errors(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/v1/suppressions': {
      get: {
        summary: "The channel's suppression list, streamed",
        description:
          'Scope `read`. Everyone who may not be sent marketing on the channel whatever the category: subscribers erased, globally opted out of the channel or of every channel, or blocked by a STOP keyword on it (ordered by subscriber id), then the keyed hashes that erasure leaves (ordered by hash; phone hashes serve sms and whatsapp alike). An opt-out of one category, a pause, a lower frequency or a pending double opt-in is a preference, not a suppression, and is not listed: ask POST /api/v1/check (or check/bulk) per send. Streamed a page of 5,000 at a time, each page read when the previous one has been taken; not a snapshot, so a change made during the export may or may not be in it. CSV (RFC 4180, CRLF, a header row `address,subscriberId,externalId,reason,since,addressHash,keyVersion`, empty for absent) or NDJSON. A failure part-way aborts the response (no clean end), so a partial list is never taken for the whole one.',
        parameters: [
          {
            name: 'channel',
            in: 'query',
            required: true,
            schema: { enum: ['email', 'sms', 'whatsapp', 'push'] },
          },
          {
            name: 'format',
            in: 'query',
            required: false,
            schema: { enum: ['csv', 'ndjson'], default: 'ndjson' },
          },
        ],
        responses: {
          '200': {
            description: 'The list',
            content: {
              ...ndjsonOf('SuppressionEntry'),
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...errors(401, 403, 422),
        },
      },
    },
  };
}

// --- Webhooks ----------------------------------------------------------------------------------

const jsonOf = (name: string) => ({ 'application/json': { schema: ref(name) } });

const WEBHOOK_DELIVERY =
  "Deliveries are POSTs of JSON `{type, timestamp, data}` signed per Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the secret), verifiable with any Standard Webhooks library. At least once: a retry carries the same `webhook-id`, so drop ids already seen; `data.seq` is the subscriber's position in the consent ledger, so apply an event only when its `seq` is above the last one applied for that subscriber. Any 2xx within 10 s is success; anything else (a redirect too) is retried after 5 s, 25 s, 2 min, 10 min, 52 min, 4.3 h, 10 h and 10 h (nine attempts over about 25 hours). An endpoint whose every attempt failed for 24 hours is disabled (`disabledAt`, `disabledReason` in the list) and gets nothing more. URLs must be http or https on a public address: loopback, private, link-local, CGNAT and unspecified addresses (IPv4, IPv6, IPv4-mapped) are refused at creation (422) and at every delivery after DNS resolution, unless the operator sets `DIAL_ALLOW_PRIVATE_WEBHOOKS=1`.";

function webhookComponentSchemas() {
  const nullableTime = { type: ['string', 'null'], format: 'date-time' };
  const value = { type: 'object', description: 'The state before or after, by event type' };
  return {
    WebhookCreate: schema(webhookCreateSchema),
    WebhookCreated: {
      type: 'object',
      required: ['id', 'secret'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        secret: {
          type: 'string',
          description: 'The signing secret (`whsec_` + base64), shown only in this answer',
          examples: ['whsec_ZXhhbXBsZS1vbmx5LW5vdC1hLXJlYWwtc2VjcmV0'],
        },
      },
    },
    WebhookEndpoint: {
      type: 'object',
      required: ['id', 'url', 'events', 'createdAt', 'disabledAt', 'disabledReason'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        url: { type: 'string', format: 'uri' },
        events: {
          type: 'array',
          items: { enum: ['consent.changed', 'subscriber.erased', 'feedback.received'] },
        },
        createdAt: { type: 'string', format: 'date-time' },
        disabledAt: nullableTime,
        disabledReason: { type: ['string', 'null'] },
      },
    },
    WebhookAttempt: {
      type: 'object',
      required: ['webhookId', 'deliveryId', 'eventType', 'seq', 'attempt', 'attemptedAt', 'ok'],
      properties: {
        webhookId: { type: 'string', description: 'The `webhook-id` header of this delivery' },
        deliveryId: { type: 'string', format: 'uuid' },
        eventType: { type: 'string' },
        subscriberId: { type: 'string', format: 'uuid' },
        seq: { type: 'integer' },
        deliveryStatus: { enum: ['pending', 'delivered', 'failed', 'skipped'] },
        attempt: { type: 'integer', description: '1 for the first attempt' },
        attemptedAt: { type: 'string', format: 'date-time' },
        durationMs: { type: 'integer' },
        ok: { type: 'boolean' },
        statusCode: { type: ['integer', 'null'] },
        error: { type: ['string', 'null'] },
        responseExcerpt: {
          type: ['string', 'null'],
          description: 'The first 256 bytes of the answer, cleared when the subscriber is erased',
        },
      },
    },
    WebhookConsentChanged: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: 'consent.changed' },
        timestamp: { type: 'string', format: 'date-time', description: 'When the change happened' },
        data: {
          type: 'object',
          required: [
            'subscriberId',
            'seq',
            'fromSeq',
            'changeId',
            'source',
            'occurredAt',
            'changes',
          ],
          properties: {
            subscriberId: { type: 'string', format: 'uuid' },
            seq: { type: 'integer', description: 'The ledger position after this change' },
            fromSeq: { type: 'integer' },
            changeId: { type: 'string', format: 'uuid' },
            source: { type: 'string', examples: ['unsubscribe_page', 'api', 'one_click'] },
            occurredAt: { type: 'string', format: 'date-time' },
            changes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['seq', 'type', 'category', 'channel', 'before', 'after'],
                properties: {
                  seq: { type: 'integer' },
                  type: {
                    enum: [
                      'subscription',
                      'pause',
                      'global_opt_out',
                      'keyword_block',
                      'do_not_sell',
                      'erasure',
                    ],
                  },
                  category: { type: ['string', 'null'], description: 'The category slug' },
                  channel: { type: ['string', 'null'] },
                  before: value,
                  after: value,
                },
              },
            },
          },
        },
      },
    },
    WebhookSubscriberErased: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: 'subscriber.erased' },
        timestamp: { type: 'string', format: 'date-time' },
        data: {
          type: 'object',
          required: ['subscriberId', 'seq', 'changeId', 'occurredAt'],
          properties: {
            subscriberId: { type: 'string', format: 'uuid' },
            seq: { type: 'integer' },
            changeId: { type: 'string', format: 'uuid' },
            occurredAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    WebhookFeedbackReceived: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: 'feedback.received' },
        timestamp: { type: 'string', format: 'date-time' },
        data: {
          type: 'object',
          required: ['subscriberId', 'seq', 'feedbackId', 'changeId', 'reason', 'comment'],
          properties: {
            subscriberId: { type: 'string', format: 'uuid' },
            seq: { type: 'integer', description: 'The ledger position of the opt-out answered' },
            feedbackId: { type: 'string', format: 'uuid' },
            changeId: { type: 'string', format: 'uuid', description: 'The opt-out answered' },
            reason: { type: ['string', 'null'] },
            comment: {
              type: ['string', 'null'],
              description: 'Null once the subscriber is erased',
            },
            occurredAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  };
}

function webhookPaths() {
  const webhookIdParam = { ...idParam, description: 'The endpoint id' };
  return {
    '/api/v1/webhooks': {
      post: {
        summary: 'Register a webhook endpoint; answers its signing secret, once',
        description: `Scope \`write\`. \`events\` filters the event types (default: all of them). At most 20 endpoints per workspace.\n\n${WEBHOOK_DELIVERY}`,
        requestBody: body('WebhookCreate'),
        responses: {
          '201': { description: 'Created', content: jsonOf('WebhookCreated') },
          ...errors(400, 401, 403, 413, 415, 422),
        },
      },
      get: {
        summary: 'The webhook endpoints, without secrets',
        description: 'Scope `read`. A disabled endpoint says when and why.',
        responses: {
          '200': {
            description: '{ webhooks }',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['webhooks'],
                  properties: { webhooks: { type: 'array', items: ref('WebhookEndpoint') } },
                },
              },
            },
          },
          ...errors(401, 403),
        },
      },
    },
    '/api/v1/webhooks/{id}': {
      delete: {
        summary: 'Delete a webhook endpoint, its deliveries and their attempts',
        description: 'Scope `write`.',
        parameters: [webhookIdParam],
        responses: { '204': { description: 'Deleted' }, ...errors(401, 403, 404) },
      },
    },
    '/api/v1/webhooks/{id}/deliveries': {
      get: {
        summary: "An endpoint's most recent delivery attempts, newest first",
        description: 'Scope `read`.',
        parameters: [
          webhookIdParam,
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        ],
        responses: {
          '200': {
            description: '{ attempts }',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['attempts'],
                  properties: { attempts: { type: 'array', items: ref('WebhookAttempt') } },
                },
              },
            },
          },
          ...errors(401, 403, 404, 422),
        },
      },
    },
  };
}

/** OpenAPI 3.1 `webhooks`: what Dial sends to a registered endpoint. */
function webhookEvents() {
  const signed = [
    { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' } },
    { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' } },
    { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
  ];
  const event = (summary: string, name: string) => ({
    post: {
      summary,
      description: WEBHOOK_DELIVERY,
      parameters: signed,
      requestBody: { required: true, content: jsonOf(name) },
      responses: { '2XX': { description: 'Received; anything else is retried' } },
    },
  });
  return {
    'consent.changed': event(
      "A subscriber's consent changed (one change of the ledger, any number of events)",
      'WebhookConsentChanged',
    ),
    'subscriber.erased': event('A subscriber was erased', 'WebhookSubscriberErased'),
    'feedback.received': event('A subscriber said why they opted out', 'WebhookFeedbackReceived'),
  };
}
