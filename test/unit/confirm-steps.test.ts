// Deactivating an account and revoking a certificate happen only from their
// confirmation steps: the command refuses a form without confirm=yes and
// changes nothing (the pages answer that refusal with a 400).
import { describe, it, expect } from 'vitest';
import { testRuntime } from './runtime-helper';
import { changeAccount } from '../../src/app/admin-view';
import { certificateFormCommand, revokeConfirmView } from '../../src/app/certificate-service';
import { refusal } from '../../src/app/http';

const NOW = new Date('2026-11-28T08:00:00Z');
const formOf = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe('confirmation steps', () => {
  it('deactivating without confirm=yes is refused and the account stays active', async () => {
    const rt = await testRuntime(NOW);
    const admin = (await rt.store.getUserByUsername('admin'))!;
    const sun = (await rt.store.getUserByUsername('sun.hao'))!;
    const refused = await changeAccount(rt, admin, sun, formOf({ action: 'deactivate', reason: '离职' }), NOW);
    expect(refused).toEqual({ problem: expect.stringContaining('停用前需要确认') });
    expect((await rt.store.getUser(sun.id))!.active).toBe(true);
    expect(await changeAccount(rt, admin, sun, formOf({ action: 'deactivate', confirm: 'yes', reason: '离职' }), NOW)).toEqual({ redirect: '/admin?saved=1' });
    expect((await rt.store.getUser(sun.id))!.active).toBe(false);
  });

  it('revoking without confirm=yes is a 400 and the certificate stays valid; the step finds only revocable ones', async () => {
    const rt = await testRuntime(NOW);
    const hr = (await rt.store.getUserByUsername('hr'))!;
    const li = (await rt.store.getUserByUsername('li.xiaoting'))!;
    const { certificate: c } = await rt.store.issueCertificate({
      userId: li.id, holderName: li.displayName, title: '物业客服上岗证', code: 'TEST-CONF-IRM1', issuedAt: NOW.toISOString(), expiresAt: '2028-11-28T08:00:00.000Z',
      examAttemptId: 'exam-1', examPercent: 90, dimensions: { calmness: 4, empathy: 4, solution: 4 }, scenarios: [], contentVersions: { bank: 'v1', scenarios: {} },
    });
    expect((await revokeConfirmView(rt, c.id, NOW))?.c.id).toBe(c.id);
    const e = await certificateFormCommand(rt, hr, formOf({ id: c.id, action: 'revoke', reason: '资料不符' }), NOW).catch((x: unknown) => x);
    expect(refusal(e)).toEqual({ status: 400, message: expect.stringContaining('撤销前需要确认'), code: 'certificateRevokeUnconfirmed' });
    expect((await rt.store.getCertificate(c.id))!.revokedAt).toBeUndefined();
    expect(await certificateFormCommand(rt, hr, formOf({ id: c.id, action: 'revoke', confirm: 'yes', reason: '资料不符' }), NOW)).toContain('已撤销');
    expect((await rt.store.getCertificate(c.id))!.revokedAt).toBeDefined();
    expect(await revokeConfirmView(rt, c.id, NOW)).toBeUndefined();
  });
});
