import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import { ERROR_EXIT } from '../../src/errors/codes.js';
import { langFromEnv, t } from '../../src/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('every error code has a message in both languages', () => {
    for (const code of Object.keys(ERROR_EXIT)) {
      expect(Object.keys(en), code).toContain(`error.${code}`);
    }
  });

  it('Japanese messages use the same placeholders as English and are translated', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
      if (key !== 'cli.error.prefix' && key !== 'error.usage' && key !== 'error.internal') {
        expect(ja[key], key).not.toBe(en[key]);
      }
    }
  });

  it('picks the language from the environment', () => {
    expect(langFromEnv({ LANG: 'ja_JP.UTF-8' })).toBe('ja');
    expect(langFromEnv({ LC_MESSAGES: 'ja_JP', LANG: 'en_US' })).toBe('ja');
    expect(langFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'ja_JP' })).toBe('en');
    expect(langFromEnv({})).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'error.console.login-failed', { user: 'alice' })).toContain('alice');
    expect(t('en', 'error.console.login-failed')).toContain('{user}');
  });
});
