import { randomBytes } from 'node:crypto';
import {
  header,
  json,
  route,
  type Route,
  type SimReply,
  type SimRequest,
} from '../../../lab/simulator/http.js';
import { LAB_ZONE, newFingerprint, type SimInstance, type SimProject } from './state.js';
import { runStartupScript } from './startup.js';

const COMPUTE = 'https://www.googleapis.com/compute/v1';

/** Google's error body, as the compute discovery document's error responses carry it. */
export const googleError = (code: number, message: string, reason: string, status?: string): SimReply =>
  json(code, {
    error: { code, message, errors: [{ message, domain: 'global', reason }], ...(status ? { status } : {}) },
  });

const unauthenticated = () =>
  googleError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    'authError',
    'UNAUTHENTICATED',
  );

function instanceJson(project: string, i: SimInstance) {
  const base = `${COMPUTE}/projects/${project}`;
  return {
    kind: 'compute#instance',
    id: i.id,
    name: i.server.name,
    status: 'RUNNING',
    zone: `${base}/zones/${LAB_ZONE}`,
    machineType: `${base}/zones/${LAB_ZONE}/machineTypes/e2-small`,
    networkInterfaces: [
      {
        kind: 'compute#networkInterface',
        name: 'nic0',
        networkIP: `10.132.0.${(i.server.numericId % 250) + 2}`,
        accessConfigs: [
          {
            kind: 'compute#accessConfig',
            type: 'ONE_TO_ONE_NAT',
            name: 'External NAT',
            natIP: i.server.address,
          },
        ],
      },
    ],
    metadata: { kind: 'compute#metadata', fingerprint: i.fingerprint, items: i.items },
    selfLink: `${base}/zones/${LAB_ZONE}/instances/${i.server.name}`,
  };
}

interface Operation {
  name: string;
  type: string;
  target: SimInstance;
  done: Promise<void>;
  finished: boolean;
}

/** The compute v1 REST API the SDK calls (instances, projects, zone operations), under /compute/v1. */
export function computeRoutes(project: SimProject): Route[] {
  const { account } = project;
  const operations = new Map<string, Operation>();
  const authorized = (req: SimRequest) => {
    const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
    return bearer !== undefined && account.tokens.has(bearer);
  };
  const guard =
    (handler: (req: SimRequest, m: RegExpExecArray) => SimReply | Promise<SimReply>) =>
    (req: SimRequest, m: RegExpExecArray) => {
      if (!authorized(req)) return unauthenticated();
      if (m[1] !== account.project)
        return googleError(403, `Permission denied on resource project ${m[1]}.`, 'forbidden');
      return handler(req, m);
    };
  const find = (zone: string, name: string) => (zone === LAB_ZONE ? project.byName(name) : undefined);
  const notFound = (zone: string, name: string) =>
    googleError(
      404,
      `The resource 'projects/${account.project}/zones/${zone}/instances/${name}' was not found`,
      'notFound',
    );
  const operationJson = (op: Operation) => ({
    kind: 'compute#operation',
    id: String(Date.now()),
    name: op.name,
    zone: `${COMPUTE}/projects/${account.project}/zones/${LAB_ZONE}`,
    operationType: op.type,
    targetLink: `${COMPUTE}/projects/${account.project}/zones/${LAB_ZONE}/instances/${op.target.server.name}`,
    status: op.finished ? 'DONE' : 'RUNNING',
    progress: op.finished ? 100 : 0,
  });
  const start = (type: string, target: SimInstance, work: Promise<void>): SimReply => {
    const op: Operation = {
      name: `operation-${Date.now()}-${randomBytes(4).toString('hex')}`,
      type,
      target,
      done: work,
      finished: false,
    };
    op.done = work.finally(() => {
      op.finished = true;
    });
    operations.set(op.name, op);
    return json(200, operationJson(op));
  };
  const P = '([a-z0-9-]+)';
  const Z = '([a-z0-9-]+)';
  const N = '([a-z0-9-]+)';
  return [
    route(
      'GET',
      new RegExp(`^/projects/${P}/aggregated/instances$`),
      guard((req) => {
        const filter = req.query.get('filter') ?? '';
        const byName = /^name = "(.*)"$/.exec(filter)?.[1];
        const byId = /^id = (\d+)$/.exec(filter)?.[1];
        if (filter && byName === undefined && byId === undefined)
          return googleError(400, `Invalid value for field 'filter': '${filter}'.`, 'invalid');
        const instances = project
          .all()
          .filter(
            (i) =>
              (byName === undefined || i.server.name === byName) && (byId === undefined || i.id === byId),
          )
          .map((i) => instanceJson(account.project, i));
        return json(200, {
          kind: 'compute#instanceAggregatedList',
          id: `projects/${account.project}/aggregated/instances`,
          items: {
            [`zones/${LAB_ZONE}`]: instances.length
              ? { instances }
              : {
                  warning: {
                    code: 'NO_RESULTS_ON_PAGE',
                    message: 'There are no results for scope on this page.',
                  },
                },
          },
        });
      }),
    ),
    route(
      'GET',
      new RegExp(`^/projects/${P}$`),
      guard(() =>
        json(200, {
          kind: 'compute#project',
          name: account.project,
          commonInstanceMetadata: {
            kind: 'compute#metadata',
            fingerprint: 'FikclA7UBC0=',
            items: account.projectItems,
          },
        }),
      ),
    ),
    route(
      'GET',
      new RegExp(`^/projects/${P}/zones/${Z}/instances/${N}$`),
      guard((_req, m) => {
        const i = find(m[2]!, m[3]!);
        return i ? json(200, instanceJson(account.project, i)) : notFound(m[2]!, m[3]!);
      }),
    ),
    route(
      'GET',
      new RegExp(`^/projects/${P}/zones/${Z}/instances/${N}/serialPort$`),
      guard((req, m) => {
        const i = find(m[2]!, m[3]!);
        if (!i) return notFound(m[2]!, m[3]!);
        const from = Math.min(Number(req.query.get('start') ?? 0), i.serial.length);
        const contents = i.serial.slice(from);
        return json(200, {
          kind: 'compute#serialPortOutput',
          contents,
          start: String(from),
          next: String(from + contents.length),
          selfLink: `${COMPUTE}/projects/${account.project}/zones/${LAB_ZONE}/instances/${i.server.name}/serialPort`,
        });
      }),
    ),
    route(
      'POST',
      new RegExp(`^/projects/${P}/zones/${Z}/instances/${N}/setMetadata$`),
      guard((req, m) => {
        const i = find(m[2]!, m[3]!);
        if (!i) return notFound(m[2]!, m[3]!);
        if (req.body.fingerprint !== i.fingerprint)
          return googleError(
            412,
            'Supplied fingerprint does not match current metadata fingerprint.',
            'conditionNotMet',
          );
        const items = Array.isArray(req.body.items)
          ? (req.body.items as { key?: unknown; value?: unknown }[])
          : [];
        i.items = items.map((x) => ({ key: String(x.key), value: String(x.value ?? '') }));
        i.fingerprint = newFingerprint();
        return start('setMetadata', i, Promise.resolve());
      }),
    ),
    route(
      'POST',
      new RegExp(`^/projects/${P}/zones/${Z}/instances/${N}/reset$`),
      guard((_req, m) => {
        const i = find(m[2]!, m[3]!);
        if (!i) return notFound(m[2]!, m[3]!);
        return start('reset', i, runStartupScript(i));
      }),
    ),
    route(
      'POST',
      new RegExp(`^/projects/${P}/zones/${Z}/operations/([a-z0-9-]+)/wait$`),
      guard(async (_req, m) => {
        const op = operations.get(m[3]!);
        if (!op) return googleError(404, `The resource 'operations/${m[3]}' was not found`, 'notFound');
        // wait returns when the operation is done or after about two minutes, whichever is first.
        await Promise.race([op.done, new Promise((r) => setTimeout(r, 120_000).unref())]);
        return json(200, operationJson(op));
      }),
    ),
  ];
}

/** Cloud Resource Manager v1's effective org policy, for the one constraint the adapter asks about. */
export function orgPolicyRoutes(project: SimProject): Route[] {
  const { account } = project;
  return [
    route('POST', /^\/([a-z0-9-]+):getEffectiveOrgPolicy$/, (req, m) => {
      const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
      if (!bearer || !account.tokens.has(bearer)) return unauthenticated();
      if (m[1] !== account.project)
        return googleError(403, 'The caller does not have permission', 'forbidden');
      return json(200, {
        constraint: String(req.body.constraint ?? ''),
        booleanPolicy: account.orgPolicyEnforced ? { enforced: true } : {},
      });
    }),
  ];
}

/**
 * The OAuth 2.0 token endpoint behind --endpoint, as oauth2.googleapis.com answers gcloud's user
 * credentials (authorized_user): a refresh_token grant with the client id and secret of the file.
 */
export function tokenRoutes(
  project: SimProject,
  user: { clientId: string; clientSecret: string; refreshToken: string },
): Route[] {
  return [
    route('POST', /^\/$/, (req) => {
      const ok =
        req.body.grant_type === 'refresh_token' &&
        req.body.client_id === user.clientId &&
        req.body.client_secret === user.clientSecret &&
        req.body.refresh_token === user.refreshToken;
      if (!ok) return json(400, { error: 'invalid_grant', error_description: 'Bad Request' });
      const token = `ya29.lab-${randomBytes(24).toString('base64url')}`;
      project.account.tokens.add(token);
      return json(200, {
        access_token: token,
        expires_in: 3599,
        token_type: 'Bearer',
        scope: String(req.body.scope ?? ''),
      });
    }),
  ];
}
