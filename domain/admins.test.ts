import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '@/cli/commands';
import { closeDb, db } from '@/db/client';
import { adminSignInTokens, admins, mailbox, memberships, outbox } from '@/db/schema';
import { config } from '@/platform/config';
import {
  ADMIN_SIGN_IN_LINK,
  createAdmin,
  recordSignOut,
  requestSignInLink,
  SIGN_IN_LINK_LIMITS,
  SIGN_IN_TOKEN_MINUTES,
  sendAdminSignInLink,
  signInTokenHash,
  signInTokenState,
  signInWithToken,
} from './admins';
import { auditLogPage } from './audit';
import { DomainError } from './errors';
import { resetRateLimits } from './rate-limit';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());
beforeEach(() => resetRateLimits());

const newEmail = () => `admin-${randomUUID().slice(0, 8)}@example.com`;
const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';
const MINUTE = 60_000;

describe('sign-in tokens', () => {
  it('work once: the first sign-in spends the token, a second says "used"', async () => {
    const { workspace } = await makeWorkspace('signin');
    const created = await createAdmin({
      email: newEmail(),
      workspaceSlug: workspace.slug,
      role: 'owner',
    });
    const token = tokenOf(created.signInUrl);
    expect(token).toMatch(/^dsi_[A-Za-z0-9_-]{43}$/);

    // Looking (the confirm page's GET) spends nothing, however often.
    expect(await signInTokenState(token)).toBe('valid');
    expect(await signInTokenState(token)).toBe('valid');

    const [first, second] = await Promise.all([
      signInWithToken({ token, ip: '192.0.2.7' }),
      signInWithToken({ token, ip: '192.0.2.8' }),
    ]);
    const results = [first, second];
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, adminId: created.adminId }]);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'used' }]);
    expect(await signInWithToken({ token })).toEqual({ ok: false, reason: 'used' });
    expect(await signInTokenState(token)).toBe('used');
  });

  it(`expire after ${SIGN_IN_TOKEN_MINUTES} minutes`, async () => {
    const { workspace } = await makeWorkspace('signin-exp');
    const issuedAt = new Date();
    const created = await createAdmin({
      email: newEmail(),
      workspaceSlug: workspace.slug,
      role: 'viewer',
      now: issuedAt,
    });
    const token = tokenOf(created.signInUrl);
    const justBefore = new Date(issuedAt.getTime() + SIGN_IN_TOKEN_MINUTES * MINUTE - 1000);
    const after = new Date(issuedAt.getTime() + SIGN_IN_TOKEN_MINUTES * MINUTE + 1);
    expect(await signInTokenState(token, justBefore)).toBe('valid');
    expect(await signInTokenState(token, after)).toBe('expired');
    expect(await signInWithToken({ token }, after)).toEqual({ ok: false, reason: 'expired' });
    // An expired attempt did not spend it: the clock decides, not the attempt.
    expect((await signInWithToken({ token }, justBefore)).ok).toBe(true);
  });

  it('are dropped a day after they expired, when the admin gets a new one', async () => {
    const { workspace } = await makeWorkspace('signin-drop');
    const email = newEmail();
    const create = (now: Date) =>
      createAdmin({ email, workspaceSlug: workspace.slug, role: 'viewer', now });
    const old = await create(new Date(Date.now() - 3 * 86_400_000));
    expect(await signInTokenState(tokenOf(old.signInUrl))).toBe('expired');
    const recent = await create(new Date(Date.now() - 20 * MINUTE));
    expect(await signInTokenState(tokenOf(old.signInUrl))).toBe('invalid');
    await create(new Date());
    // Expired minutes ago: still answers "expired" rather than "does not work".
    expect(await signInTokenState(tokenOf(recent.signInUrl))).toBe('expired');
  });

  it('refuse a tampered, truncated or made-up token, and store only a hash', async () => {
    const { workspace } = await makeWorkspace('signin-tamper');
    const created = await createAdmin({
      email: newEmail(),
      workspaceSlug: workspace.slug,
      role: 'owner',
    });
    const token = tokenOf(created.signInUrl);
    const at = 20;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    for (const bad of [
      tampered,
      token.slice(0, -1),
      `${token}x`,
      '',
      'dsi_',
      `dsi_${'A'.repeat(43)}`,
    ]) {
      expect(await signInTokenState(bad)).toBe('invalid');
      expect(await signInWithToken({ token: bad })).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await signInTokenState(token)).toBe('valid');

    const rows = await (await db())
      .select({ tokenHash: adminSignInTokens.tokenHash })
      .from(adminSignInTokens)
      .where(eq(adminSignInTokens.adminId, created.adminId));
    expect(rows).toEqual([{ tokenHash: signInTokenHash(token) }]);
    expect(rows[0]?.tokenHash).not.toContain(token.slice(4));
  });
});

describe('the audit log', () => {
  it('records admin create, sign-in (in each workspace of the admin) and sign-out', async () => {
    const a = await makeWorkspace('audit-a');
    const b = await makeWorkspace('audit-b');
    const email = newEmail();
    await createAdmin({ email, workspaceSlug: a.workspace.slug, role: 'owner' });
    const second = await createAdmin({ email, workspaceSlug: b.workspace.slug, role: 'viewer' });
    const signedIn = await signInWithToken({
      token: tokenOf(second.signInUrl),
      // An IPv4 client as a dual-stack socket reports it: kept as the IPv4 address people read.
      ip: '::ffff:198.51.100.4',
    });
    expect(signedIn.ok).toBe(true);
    await recordSignOut({ adminId: second.adminId, ip: '198.51.100.4' });

    const pageA = await auditLogPage({ workspaceId: a.workspace.id });
    expect(pageA.entries.map((e) => [e.action, e.adminEmail])).toEqual([
      ['admin.sign_out', email],
      ['admin.sign_in', email],
      ['admin.create', null],
    ]);
    expect(pageA.entries[1]).toMatchObject({ ip: '198.51.100.4', detail: { via: 'magic_link' } });
    expect(pageA.entries[2]).toMatchObject({
      target: email,
      detail: { via: 'cli', role: 'owner' },
    });
    const pageB = await auditLogPage({ workspaceId: b.workspace.id });
    expect(pageB.entries.map((e) => e.action)).toEqual([
      'admin.sign_out',
      'admin.sign_in',
      'admin.create',
    ]);
  });

  it('pages newest first with a cursor, each entry once', async () => {
    const { workspace } = await makeWorkspace('audit-page');
    const email = newEmail();
    for (const role of ['viewer', 'editor', 'owner', 'viewer', 'editor']) {
      await createAdmin({ email, workspaceSlug: workspace.slug, role });
    }
    const first = await auditLogPage({ workspaceId: workspace.id, limit: 2 });
    const second = await auditLogPage({
      workspaceId: workspace.id,
      limit: 2,
      cursor: first.nextCursor,
    });
    const third = await auditLogPage({
      workspaceId: workspace.id,
      limit: 2,
      cursor: second.nextCursor,
    });
    const roles = [...first.entries, ...second.entries, ...third.entries].map((e) => e.detail.role);
    expect(roles).toEqual(['editor', 'viewer', 'owner', 'editor', 'viewer']);
    expect(third.nextCursor).toBeNull();
    expect(
      (await auditLogPage({ workspaceId: workspace.id, cursor: 'garbage' })).entries,
    ).toHaveLength(5);
  });

  it('keeps nothing of an action that failed', async () => {
    const { workspace } = await makeWorkspace('audit-fail');
    await expect(
      createAdmin({ email: 'not an address', workspaceSlug: workspace.slug, role: 'owner' }),
    ).rejects.toBeInstanceOf(DomainError);
    expect((await auditLogPage({ workspaceId: workspace.id })).entries).toEqual([]);
  });
});

describe('dial admin create', () => {
  it('prints a sign-in URL alone on stdout, and is idempotent', async () => {
    const { workspace } = await makeWorkspace('cli-admin');
    const email = newEmail();
    const first = await runCommand([
      'admin',
      'create',
      '--email',
      `  ${email.toUpperCase()} `,
      '--workspace',
      workspace.slug,
      '--role',
      'owner',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^${config().baseUrl.replace(/[.]/g, '\\.')}/admin/sign-in/confirm\\?token=dsi_[A-Za-z0-9_-]{43}\\n$`,
      ),
    );
    expect(first.stderr).toMatch(/Created admin .* is owner of/);
    expect(await signInTokenState(tokenOf(first.stdout.trim()))).toBe('valid');

    const again = await runCommand([
      'admin',
      'create',
      '--email',
      email,
      '--workspace',
      workspace.slug,
      '--role',
      'editor',
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/is now editor \(was owner\)/);
    expect(again.stdout.trim()).not.toBe(first.stdout.trim());

    const dbh = await db();
    const adminRows = await dbh.select().from(admins).where(eq(admins.email, email));
    expect(adminRows).toHaveLength(1);
    const member = await dbh
      .select({ role: memberships.role })
      .from(memberships)
      .where(
        and(
          eq(memberships.adminId, adminRows[0]?.id ?? ''),
          eq(memberships.workspaceId, workspace.id),
        ),
      );
    expect(member).toEqual([{ role: 'editor' }]);
    // Both links work, each once.
    expect((await signInWithToken({ token: tokenOf(first.stdout.trim()) })).ok).toBe(true);
    expect((await signInWithToken({ token: tokenOf(again.stdout.trim()) })).ok).toBe(true);
  });

  it('fails with a message and a non-zero exit for a bad workspace, role or address', async () => {
    const { workspace } = await makeWorkspace('cli-admin-bad');
    const cases: [string[], RegExp][] = [
      [
        ['--email', newEmail(), '--workspace', 'no-such-workspace-x', '--role', 'owner'],
        /No workspace "no-such-workspace-x"/,
      ],
      [
        ['--email', newEmail(), '--workspace', workspace.slug, '--role', 'admin'],
        /role must be one of viewer, editor, owner/,
      ],
      [['--email', 'nobody', '--workspace', workspace.slug, '--role', 'owner'], /email address/],
      [['--workspace', workspace.slug, '--role', 'owner'], /Missing --email/],
      [['--email', newEmail(), '--workspace', workspace.slug], /Missing --role/],
    ];
    for (const [args, message] of cases) {
      const result = await runCommand(['admin', 'create', ...args]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    expect((await auditLogPage({ workspaceId: workspace.id })).entries).toEqual([]);
  });
});

describe('requesting a sign-in link by email', () => {
  let ip = 0;
  const freshIp = () => `203.0.113.${++ip}`;

  it('answers "sent" for admins and strangers alike, and mails only the admin', async () => {
    const { workspace } = await makeWorkspace('request');
    const email = newEmail();
    const created = await createAdmin({ email, workspaceSlug: workspace.slug, role: 'owner' });
    const dbh = await db();
    const before = await dbh
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.kind, ADMIN_SIGN_IN_LINK));

    expect(await requestSignInLink({ email: email.toUpperCase(), ip: freshIp() })).toEqual({
      status: 'sent',
    });
    expect(await requestSignInLink({ email: newEmail(), ip: freshIp() })).toEqual({
      status: 'sent',
    });

    const jobs = await dbh
      .select({
        id: outbox.id,
        kind: outbox.kind,
        payload: outbox.payload,
        workspaceId: outbox.workspaceId,
      })
      .from(outbox)
      .where(eq(outbox.kind, ADMIN_SIGN_IN_LINK));
    const fresh = jobs.filter((j) => !before.some((b) => b.id === j.id));
    expect(fresh).toEqual([
      {
        id: expect.any(String),
        kind: ADMIN_SIGN_IN_LINK,
        payload: { adminId: created.adminId },
        workspaceId: null,
      },
    ]);

    // The job makes the token when it runs: the mail carries a working link.
    const job = fresh[0];
    if (!job) throw new Error('no job');
    await sendAdminSignInLink({ ...job, attempts: 1 } as never, dbh);
    const [mail] = await dbh.select().from(mailbox).where(eq(mailbox.to, email));
    expect(mail?.subject).toBe('Your sign-in link for Dial');
    const url =
      /https?:\/\/\S+\/admin\/sign-in\/confirm\?token=\S+/.exec(mail?.text ?? '')?.[0] ?? '';
    expect((await signInWithToken({ token: tokenOf(url) })).ok).toBe(true);
  });

  it('is rate-limited per address and per client network, the same for strangers', async () => {
    const email = newEmail();
    const { limit } = SIGN_IN_LINK_LIMITS.address;
    for (let i = 0; i < limit; i++) {
      expect((await requestSignInLink({ email, ip: freshIp() })).status).toBe('sent');
    }
    expect(await requestSignInLink({ email, ip: freshIp() })).toMatchObject({
      status: 'rate_limited',
    });

    const shared = freshIp();
    for (let i = 0; i < SIGN_IN_LINK_LIMITS.ip.limit; i++) {
      expect((await requestSignInLink({ email: newEmail(), ip: shared })).status).toBe('sent');
    }
    const refused = await requestSignInLink({ email: newEmail(), ip: shared });
    expect(refused).toMatchObject({ status: 'rate_limited' });
    if (refused.status === 'rate_limited') expect(refused.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses something that is not an address', async () => {
    await expect(requestSignInLink({ email: 'nope', ip: freshIp() })).rejects.toBeInstanceOf(
      DomainError,
    );
  });
});
