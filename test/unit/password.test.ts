import { describe, it, expect } from 'vitest';
import { hashPassword, verifyPassword, generatePassword, passwordProblem } from '../../src/auth';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('物业客服2026!');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('物业客服2026!', h)).toBe(true);
    expect(await verifyPassword('物业客服2026', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password'), hashPassword('same-password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-password', b)).toBe(true);
  });

  it('treats a malformed stored hash as a failed check, not a crash', async () => {
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$2$3')).toBe(false);
  });

  it('generates readable passwords that pass the policy', () => {
    const p = generatePassword();
    expect(p).toHaveLength(12);
    expect(p).not.toMatch(/[0O1l]/);
    for (let i = 0; i < 50; i++) expect(passwordProblem(generatePassword())).toBeUndefined();
    expect(passwordProblem('short')).toBeDefined();
  });
});

describe('password policy (every place a password is chosen)', () => {
  it('needs at least 10 characters: 9 are refused, 10 are enough', () => {
    expect(passwordProblem('hqz7-wmk2')).toBe('密码至少 10 个字符');
    expect(passwordProblem('hqz7-wmk2x')).toBeUndefined();
    // Characters, not bytes or UTF-16 units: ten Chinese characters are ten.
    expect(passwordProblem('阳光花园客服部的新人')).toBeUndefined();
  });

  it('refuses a common password whatever its case', () => {
    for (const p of ['password123', 'PASSWORD123', 'Password123', 'woaini1314', 'WoAiNi1314', 'qwertyuiop', '1q2w3e4r5t']) {
      expect(passwordProblem(p), p).toBe('这个密码太常见，请换一个');
    }
  });

  it('refuses the username itself, whatever its case, and runs of repeated characters', () => {
    expect(passwordProblem('Wang.Xiaoming', { username: 'wang.xiaoming' })).toBe('密码不能与用户名相同');
    expect(passwordProblem('wang.xiaoming1', { username: 'wang.xiaoming' })).toBeUndefined();
    for (const p of ['aaaaaaaaaa', '0000000000000', 'abcabcabcabc', 'xyzwxyzwxy']) expect(passwordProblem(p), p).toBe('密码不能只是重复的字符，请换一个');
  });
});
