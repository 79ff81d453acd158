import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { db } from '@/db/client';
import { CHANNELS, type Channel } from '@/db/schema';
import { createAdmin, SIGN_IN_TOKEN_MINUTES } from '@/domain/admins';
import { API_SCOPES, type ApiScope, createApiKey } from '@/domain/api-keys';
import { verifyWorkspace, writeCheckpoint } from '@/domain/chain';
import { DomainError } from '@/domain/errors';
import { seedLedgerHistory } from '@/domain/ledger-history';
import { buildLinks } from '@/domain/links';
import { configureMailEvents, mailEventConfigureSchema } from '@/domain/mail-events';
import { seedDemo } from '@/domain/seed';
import { revokeSigningKey, rotateSigningKey } from '@/domain/signing-keys';
import { emailSchema, findSubscriber } from '@/domain/subscribers';
import { configureWorkspace, createWorkspace, requireWorkspace } from '@/domain/workspaces';

/**
 * The CLI's commands, run either in the CLI's own process or, when a live embedded server owns
 * the data dir, inside that server (its control socket hands it the same argv).
 */

export type CommandResult = { code: number; stdout: string; stderr: string };

export const USAGE = `Usage: npm run -s dial -- <command> [options]

Commands:
  migrate                                   apply database migrations
  seed                                      create the demo workspace (safe to repeat)
  workspace create --slug <slug> --name <name>
  workspace configure --workspace <slug> [--twilio-auth-token <token>] [--sms-number <E.164>]
        [--ses-topic-arn <arn>] [--sendgrid-public-key <key>] [--postmark-basic-auth <user:password>]
                                            SMS settings; bounce and complaint webhooks per mail service
  api-key create --workspace <slug> [--name <name>] [--scope read|check|write]
                                            prints the new key alone (shown only once)
  link --workspace <slug> --email <address> [--category <slug>] [--channel <channel>] [--json]
                                            prints the subscriber's preferences and unsubscribe URLs
  ledger verify --workspace <slug>          verify every hash chain and the latest checkpoint
  ledger checkpoint --workspace <slug>      record the workspace's chain heads now
  signing-key rotate --workspace <slug>     new links use a new key; old links keep working
  signing-key revoke --workspace <slug> --kid <kid>
                                            a compromised key: its links stop working at once
  admin create --email <address> --workspace <slug> --role owner|editor|viewer
                                            the admin (created if new) gets the role in the
                                            workspace; prints a one-time sign-in URL alone
  demo history --workspace <slug> [--months 3] [--subscribers 150]
                                            months of past consent changes, link visits and
                                            feedback, through the one door (for the analytics)
  help                                      this text
`;

class UsageError extends Error {}

const OPTIONS = {
  slug: { type: 'string' },
  name: { type: 'string' },
  workspace: { type: 'string' },
  'twilio-auth-token': { type: 'string' },
  'sms-number': { type: 'string' },
  'ses-topic-arn': { type: 'string' },
  'sendgrid-public-key': { type: 'string' },
  'postmark-basic-auth': { type: 'string' },
  scope: { type: 'string' },
  email: { type: 'string' },
  category: { type: 'string' },
  channel: { type: 'string' },
  kid: { type: 'string' },
  role: { type: 'string' },
  json: { type: 'boolean' },
  months: { type: 'string' },
  subscribers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Missing --${name}.`);
  return value;
}

export async function runCommand(argv: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const print = (line: string) => out.push(line);
  // What a person should read but a script capturing stdout should not get.
  const notes: string[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, sub] = positionals;
    const key =
      sub &&
      ['workspace', 'api-key', 'ledger', 'signing-key', 'admin', 'demo'].includes(command ?? '')
        ? `${command} ${sub}`
        : command;
    if (!key || key === 'help' || values.help) return { code: 0, stdout: USAGE, stderr: '' };
    switch (key) {
      case 'migrate':
        await db();
        print('Migrations are applied.');
        break;
      case 'seed': {
        const { workspace, created } = await seedDemo();
        print(
          created
            ? `Created the demo workspace "${workspace.slug}".`
            : `The demo workspace "${workspace.slug}" is up to date.`,
        );
        break;
      }
      case 'workspace create': {
        const workspace = await createWorkspace({
          slug: required(values, 'slug'),
          name: required(values, 'name'),
        });
        print(`Created workspace "${workspace.slug}" (${workspace.id}).`);
        break;
      }
      case 'workspace configure': {
        const slug = required(values, 'workspace');
        const token = values['twilio-auth-token'];
        const number = values['sms-number'];
        const mail = {
          sesTopicArn: values['ses-topic-arn'],
          sendgridPublicKey: values['sendgrid-public-key'],
          postmarkBasicAuth: values['postmark-basic-auth'],
        };
        const sms = token !== undefined || number !== undefined;
        const mailEvents = Object.values(mail).some((v) => v !== undefined);
        if (!sms && !mailEvents)
          throw new UsageError(
            'Nothing to configure: give --twilio-auth-token or --sms-number (or a mail service flag: --ses-topic-arn, --sendgrid-public-key, --postmark-basic-auth).',
          );
        // Both validated before either is written, so a bad flag changes nothing.
        mailEventConfigureSchema.parse(mail);
        if (sms) await configureWorkspace(slug, { twilioAuthToken: token, smsNumber: number });
        if (mailEvents) await configureMailEvents(slug, mail);
        print(`Configured workspace "${slug}".`);
        break;
      }
      case 'api-key create': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const scope = (values.scope ?? 'write') as ApiScope;
        if (!API_SCOPES.includes(scope))
          throw new UsageError(`--scope must be one of ${API_SCOPES.join(', ')}.`);
        const { key: apiKey } = await createApiKey({
          workspaceId: workspace.id,
          name: values.name,
          scope,
        });
        print(apiKey);
        break;
      }
      case 'link': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const email = emailSchema.parse(required(values, 'email'));
        const channel = values.channel as Channel | undefined;
        if (channel && !CHANNELS.includes(channel))
          throw new UsageError(`--channel must be one of ${CHANNELS.join(', ')}.`);
        const subscriber = await findSubscriber(workspace.id, { email });
        if (!subscriber)
          throw new DomainError(
            'not_found',
            `No subscriber ${email} in workspace "${workspace.slug}".`,
          );
        const links = await buildLinks({
          workspace,
          subscriberId: subscriber.id,
          category: values.category,
          channel,
        });
        if (values.json) print(JSON.stringify(links, null, 2));
        else {
          print(`preferences: ${links.preferencesUrl}`);
          print(`unsubscribe: ${links.unsubscribeUrl}`);
        }
        break;
      }
      case 'ledger verify': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const result = await verifyWorkspace(workspace.id);
        print(
          `${result.ok ? 'OK' : 'FAILED'}: ${result.subscribers} subscribers, ${result.events} events checked.`,
        );
        for (const p of result.problems) print(`  ${p}`);
        return { code: result.ok ? 0 : 1, stdout: `${out.join('\n')}\n`, stderr: '' };
      }
      case 'ledger checkpoint': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const cp = await writeCheckpoint(workspace.id);
        print(
          `Checkpoint ${cp.id}: ${cp.subscriberCount} chains, ${cp.eventCount} events, root ${cp.rootHash}`,
        );
        break;
      }
      case 'signing-key rotate': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const kid = await rotateSigningKey(workspace.id);
        print(`New signing key ${kid} is active; older keys still verify the links already sent.`);
        break;
      }
      case 'signing-key revoke': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const outcome = await revokeSigningKey(workspace.id, required(values, 'kid'));
        if (!outcome.revoked)
          throw new DomainError(
            'not_found',
            `No key ${values.kid} in workspace "${workspace.slug}".`,
          );
        print(
          `Revoked ${values.kid}: its links now land on "email me a fresh link".${outcome.replacedBy ? ` New links use ${outcome.replacedBy}.` : ''}`,
        );
        break;
      }
      case 'admin create': {
        const result = await createAdmin({
          email: required(values, 'email'),
          workspaceSlug: required(values, 'workspace'),
          role: required(values, 'role'),
        });
        const what = result.previousRole
          ? result.previousRole === result.role
            ? `is still ${result.role}`
            : `is now ${result.role} (was ${result.previousRole})`
          : `is ${result.role}`;
        notes.push(
          `${result.created ? 'Created admin' : 'Admin'} ${result.email}, who ${what} of "${result.workspace.slug}".`,
          `One-time sign-in link, valid ${SIGN_IN_TOKEN_MINUTES} minutes:`,
        );
        print(result.signInUrl);
        break;
      }
      case 'demo history': {
        const workspace = await requireWorkspace(required(values, 'workspace'));
        const months = wholeNumber(values.months ?? '3', 'months', 1, 24);
        const subscribers = wholeNumber(values.subscribers ?? '150', 'subscribers', 1, 5000);
        const summary = await seedLedgerHistory({ workspaceId: workspace.id, months, subscribers });
        print(
          `Seeded ${months} months of history in "${workspace.slug}": ${summary.subscribers} subscribers, ${summary.changes} consent changes (${summary.events} events), ${summary.visits} link visits, ${summary.feedback} feedback answers.`,
        );
        break;
      }
      default:
        throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
    }
    return {
      code: 0,
      stdout: `${out.join('\n')}\n`,
      stderr: notes.length ? `${notes.join('\n')}\n` : '',
    };
  } catch (error) {
    return {
      code: error instanceof UsageError || isParseArgsError(error) ? 2 : 1,
      stdout: out.length ? `${out.join('\n')}\n` : '',
      stderr: `${explain(error)}\n`,
    };
  }
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

function explain(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}\n\n${USAGE}`;
  if (error instanceof DomainError) return `Error: ${error.message}`;
  if (error instanceof ZodError)
    return `Error: ${error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`;
  if (isParseArgsError(error)) return `${(error as Error).message}\n\n${USAGE}`;
  return `Error: ${error instanceof Error ? error.message : String(error)}`;
}

function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
}
