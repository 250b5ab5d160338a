import { randomBytes } from 'node:crypto';
import {
  header,
  json,
  route,
  type Route,
  type SimReply,
  type SimRequest,
} from '../../../lab/simulator/http.js';
import type { SimServer } from '../../../lab/simulator/servers.js';

/**
 * Linode's disks and the jobs that boot a Linode, as the adapter uses them: GET …/disks, POST …/rescue
 * (Finnix with the Linode's disks as sda…sdg), POST …/reboot, and the events those jobs write
 * (linode_boot, linode_reboot: started, then finished or failed), filtered as the adapter asks. The
 * calls answer {} at once and the job runs behind them, driving the lab server through its
 * registration's `rescueSystem` (a Finnix-like rescue OS, lab/rescue-system.ts). Lab only.
 */
export interface LinodeEvent {
  id: number;
  action: 'linode_boot' | 'linode_reboot';
  created: string;
  entity: { id: number; label: string; type: 'linode'; url: string };
  secondary_entity: null;
  status: 'started' | 'finished' | 'failed';
  percent_complete: number;
  rate: null;
  read: boolean;
  seen: boolean;
  time_remaining: null;
  username: string;
  message: string | null;
  duration: number | null;
}

const SLOTS = ['sda', 'sdb', 'sdc', 'sdd', 'sde', 'sdf', 'sdg'];

/** Linode writes times as UTC without a zone, to the second. */
const linodeTime = (at: number) => new Date(at).toISOString().replace(/\.\d+Z$/, '');

/** A Linode's two disks, as a Linode deployed from an image has them: the system and its swap. */
export function linodeDisks(s: SimServer) {
  const disk = (id: number, label: string, size: number, filesystem: string) => ({
    id,
    label,
    status: 'ready',
    size,
    filesystem,
    created: '2024-05-01T10:00:00',
    updated: '2024-05-01T10:00:00',
    disk_encryption: 'disabled',
  });
  return [
    disk(s.numericId * 10, 'Debian 12 Disk', 25088, 'ext4'),
    disk(s.numericId * 10 + 1, '512 MB Swap Image', 512, 'swap'),
  ];
}

export function linodeJobRoutes(opts: {
  username: string;
  servers: () => SimServer[];
  guarded: (handler: (req: SimRequest, m: RegExpExecArray) => SimReply) => Route['handler'];
  errors: (status: number, reason: string, field?: string) => SimReply;
}): Route[] {
  const events: LinodeEvent[] = [];
  let nextEvent = 9000;
  const byId = (id: string | undefined) => opts.servers().find((s) => String(s.numericId) === id);
  /** Writes the job's event (started) and runs `work` behind the answer. */
  const job = (s: SimServer, action: LinodeEvent['action'], work: () => Promise<void>) => {
    const started = Date.now();
    const event: LinodeEvent = {
      id: nextEvent++,
      action,
      created: linodeTime(started),
      entity: { id: s.numericId, label: s.name, type: 'linode', url: `/v4/linode/instances/${s.numericId}` },
      secondary_entity: null,
      status: 'started',
      percent_complete: 0,
      rate: null,
      read: false,
      seen: false,
      time_remaining: null,
      username: opts.username,
      message: null,
      duration: null,
    };
    events.push(event);
    const done = (status: 'finished' | 'failed', message: string | null) =>
      Object.assign(event, {
        status,
        message,
        percent_complete: 100,
        duration: Math.round((Date.now() - started) / 1000),
      });
    void work().then(
      () => done('finished', null),
      (err: unknown) => done('failed', (err as Error).message.split('\n')[0] ?? 'failed'),
    );
    return json(200, {});
  };
  return [
    route(
      'GET',
      /^\/linode\/instances\/(\d+)\/disks$/,
      opts.guarded((_req, m) => {
        const s = byId(m[1]);
        if (!s) return opts.errors(404, 'Not found');
        const data = linodeDisks(s);
        return json(200, { data, page: 1, pages: 1, results: data.length });
      }),
    ),
    route(
      'POST',
      /^\/linode\/instances\/(\d+)\/rescue$/,
      opts.guarded((req, m) => {
        const s = byId(m[1]);
        if (!s) return opts.errors(404, 'Not found');
        const devices = (req.body.devices ?? {}) as Record<string, { disk_id?: unknown }>;
        const own = new Set(linodeDisks(s).map((d) => d.id));
        for (const [slot, device] of Object.entries(devices)) {
          if (!SLOTS.includes(slot)) return opts.errors(400, `${slot} is not a rescue device`, 'devices');
          if (!own.has(Number(device?.disk_id)))
            return opts.errors(400, 'Disk not found on this Linode', `devices.${slot}`);
        }
        const driver = s.rescueSystem;
        if (!driver) return opts.errors(400, 'the lab has no rescue system for this Linode');
        // Finnix asks no password; the driver's rescue OS logs root in on its console by itself.
        return job(s, 'linode_boot', () => driver.enter(randomBytes(12).toString('base64url')));
      }),
    ),
    route(
      'POST',
      /^\/linode\/instances\/(\d+)\/reboot$/,
      opts.guarded((req, m) => {
        const s = byId(m[1]);
        if (!s) return opts.errors(404, 'Not found');
        if (req.body.config_id !== undefined && !Number.isInteger(req.body.config_id))
          return opts.errors(400, 'Must be an integer', 'config_id');
        const driver = s.rescueSystem;
        // A reboot boots the Linode's own configuration profile, from rescue too.
        return job(s, 'linode_reboot', async () => {
          if (driver?.inRescue) await driver.leave();
          else await driver?.reset();
        });
      }),
    ),
    route(
      'GET',
      /^\/account\/events$/,
      opts.guarded((req) => {
        let filter: Record<string, unknown> = {};
        try {
          filter = JSON.parse(header(req, 'x-filter') ?? '{}') as Record<string, unknown>;
        } catch {
          return opts.errors(400, 'Cannot parse filter');
        }
        const since = (filter.created as { '+gte'?: string } | undefined)?.['+gte'];
        const matching = events
          .filter((e) => filter['entity.id'] === undefined || e.entity.id === filter['entity.id'])
          .filter((e) => since === undefined || e.created >= since)
          .sort((a, b) => (filter['+order'] === 'asc' ? 1 : -1) * (a.id - b.id));
        const size = Math.min(500, Math.max(25, Number(req.query.get('page_size') ?? 100) || 100));
        const data = matching.slice(0, size);
        return json(200, { data, page: 1, pages: 1, results: matching.length });
      }),
    ),
  ];
}
