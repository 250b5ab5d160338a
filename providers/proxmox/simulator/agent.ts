import { sq } from '../../../lab/shell.js';
import { json, route, type Route, type SimReply, type SimRequest } from '../../../lab/simulator/http.js';
import type { SimServer } from '../../../lab/simulator/servers.js';

/**
 * The QEMU guest agent's exec as Proxmox VE exposes it: `POST …/agent/exec {command: [argv], input-data}`
 * → `{pid}`, then `GET …/agent/exec-status?pid=` → `{exited: 0}` while it runs, and once
 * `{exited: 1, exitcode, out-data, err-data}` (qemu-ga forgets the pid after reporting it). In the lab
 * the guest's root back door (nsenter) stands in for qemu-ga, which runs argv as root in the guest.
 */

/** pve-manager limits input-data to 64 KiB (Agent.pm `maxLength`). */
export const MAX_INPUT_DATA = 64 * 1024;

/** What pveproxy answers for any agent call while no agent responds in the VM. */
export const AGENT_DOWN = 'QEMU guest agent is not running';

type VmHandler = (server: SimServer, req: SimRequest) => SimReply | Promise<SimReply>;

interface Exec {
  vmid: number;
  done?: { code: number; stdout: string; stderr: string };
}

const data = (value: unknown): SimReply => json(200, { data: value });
/** Agent failures come back as HTTP 500 with pveproxy's message as the reason phrase. */
const error500 = (message: string): SimReply => ({
  status: 500,
  body: { data: null, message: `${message}\n` },
  statusText: message,
});

export class GuestAgentExecs {
  private readonly execs = new Map<number, Exec>();
  private nextPid = 1000;

  /** Routes under `^/nodes/{node}/qemu/{vmid}`, wrapped by the caller's auth and VM lookup. */
  routes(vmPrefix: string, wrap: (handler: VmHandler) => Route['handler']): Route[] {
    return [
      route(
        'POST',
        new RegExp(`${vmPrefix}/agent/exec$`),
        wrap((s, req) => this.start(s, req)),
      ),
      route(
        'GET',
        new RegExp(`${vmPrefix}/agent/exec-status$`),
        wrap((s, req) => this.status(s, req)),
      ),
    ];
  }

  private agentDown(server: SimServer): SimReply | undefined {
    if (!server.guestAgent) return error500(AGENT_DOWN);
    // A registration without a back door: qemu-ga's answer when guest-exec is blocked.
    if (!server.exec) return error500('Agent error: Command guest-exec has been disabled');
    return undefined;
  }

  private start(server: SimServer, req: SimRequest): SimReply {
    const down = this.agentDown(server);
    if (down) return down;
    const raw = req.body.command;
    const argv = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
    if (argv.length === 0)
      return {
        status: 400,
        body: { data: null, errors: { command: 'property is missing and it is not optional' } },
      };
    const input = req.body['input-data'];
    if (input !== undefined && String(input).length > MAX_INPUT_DATA) {
      return {
        status: 400,
        body: { data: null, errors: { 'input-data': `value may only be ${MAX_INPUT_DATA} characters long` } },
        statusText: 'Parameter verification failed.',
      };
    }
    const pid = this.nextPid++;
    const entry: Exec = { vmid: server.vmid };
    this.execs.set(pid, entry);
    // qemu-ga execs argv directly (no shell); the back door takes one sh line, so argv is quoted.
    void server.exec!(`exec ${argv.map(sq).join(' ')}`, {
      input: input === undefined ? undefined : String(input),
      timeoutMs: 600_000,
    }).then(
      (r) => (entry.done = r),
      (err: unknown) => (entry.done = { code: 127, stdout: '', stderr: `${(err as Error).message}\n` }),
    );
    return data({ pid });
  }

  private status(server: SimServer, req: SimRequest): SimReply {
    const down = this.agentDown(server);
    if (down) return down;
    const pid = Number(req.query.get('pid'));
    const entry = this.execs.get(pid);
    if (!entry || entry.vmid !== server.vmid) return error500(`Agent error: Invalid parameter 'pid'`);
    if (!entry.done) return data({ exited: 0 });
    this.execs.delete(pid);
    const { code, stdout, stderr } = entry.done;
    return data({
      exited: 1,
      exitcode: code,
      ...(stdout ? { 'out-data': stdout } : {}),
      ...(stderr ? { 'err-data': stderr } : {}),
    });
  }
}
