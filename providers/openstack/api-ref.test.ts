import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shapeDifferences } from '../../test/support/json-shape.js';

/**
 * The fixtures against the vendor's own published samples (api-ref/, origin in its README): a
 * fixture written by the same hands as the adapter cannot drift from what Nova and Keystone answer.
 */
const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const PAIRS: [sample: string, fixtures: string[]][] = [
  [
    'api-ref/create-vnc-console-resp.json',
    ['fixtures/remote-console-novnc.json', '../conoha/fixtures/remote-console-novnc.json'],
  ],
  [
    'api-ref/get-serial-console-post-resp.json',
    ['fixtures/legacy-serial.json', '../conoha/fixtures/v2-serial-console.json'],
  ],
  ['api-ref/identity-versions-response.json', ['fixtures/identity-versions.json']],
  ['api-ref/identity-version-response.json', ['fixtures/identity-version.json']],
];

describe('OpenStack fixtures have the shape of the vendor api-ref samples', () => {
  for (const [sample, fixtures] of PAIRS) {
    for (const fixture of fixtures) {
      it(`${fixture} ~ ${sample}`, () => {
        expect(shapeDifferences(read(sample), read(fixture))).toEqual([]);
      });
    }
  }

  it("the serial remote console (2.6) has the VNC sample's shape, protocol and type aside", () => {
    // Nova publishes no 2.6 serial sample; remote_consoles.py answers the same envelope for every protocol.
    expect(
      shapeDifferences(
        read('api-ref/create-vnc-console-resp.json'),
        read('fixtures/remote-console-serial.json'),
      ),
    ).toEqual([]);
  });

  it('the check itself finds a drift (a renamed key, a changed type)', () => {
    const sample = read('api-ref/get-serial-console-post-resp.json');
    expect(shapeDifferences(sample, { console: { type: 'serial', link: 'ws://x' } })).toEqual([
      '$.console.url: missing',
      '$.console.link: not in the sample',
    ]);
    expect(shapeDifferences(sample, { console: { type: 1, url: 'ws://x' } })).toEqual([
      '$.console.type: number where the sample has string',
    ]);
  });
});
