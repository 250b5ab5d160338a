import { describe, expect, it } from 'vitest';
import { demo } from '../../lab/demo.js';

/**
 * README's first command, `npm run demo`: the story must end as it is told (the customer's own key
 * logs in again, no password opened, the report names ~/ssh), so a change in the rescue cannot leave
 * the demo telling something else.
 */
describe('npm run demo', () => {
  it('tells the story to its end, in the language asked for', async () => {
    let shown = '';
    const code = await demo('ja', (text) => (shown += text));
    expect(shown).toContain('/home/alice/ssh/authorized_keys');
    expect(shown).toMatch(/ssh alice、お客様自身の鍵: OK/);
    expect(code).toBe(0);
  }, 180_000);
});
