import { describe, expect, it } from 'vitest';
import { labUp, upProviders } from '../../../lab/up.js';

describe('npm run lab -- up: the providers it offers', () => {
  it('are the simulated ones with a way in that works on a lab server (a serial console)', () => {
    expect(upProviders()).toEqual(expect.arrayContaining(['conoha', 'openstack', 'proxmox', 'linode']));
    expect(upProviders()).not.toContain('hetzner');
  });

  it('refuses any other before it boots anything', async () => {
    const printed: string[] = [];
    const refused = (provider: string) =>
      labUp({ scenario: 'story-wrong-dir', provider, print: (l) => printed.push(l) });
    await expect(refused('hetzner')).rejects.toThrow(/cannot put hetzner .*no serial console/);
    await expect(refused('sakura-cloud')).rejects.toThrow(/it can: .*conoha/);
    expect(printed).toEqual([]);
  });
});
