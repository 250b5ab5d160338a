import type { FileSpec, ServerSpec, UserSpec } from '../spec.js';
import type { Scenario, ScenarioContext } from './types.js';

/** Passwords the customer handed to the rescuer, as on a real VPS ticket. */
export const PASSWORDS = { root: 'Root-pw-7c1e', alice: 'Alice-pw-3b9d' } as const;

export const ALICE: UserSpec = { name: 'alice', password: PASSWORDS.alice, groups: ['sudo'] };

/** The owner's hardening, appended to sshd_config the way people edit it by hand. */
export const HARDENING = ['PubkeyAuthentication yes', 'PasswordAuthentication no', 'PermitRootLogin no'];

export function appendSshdConfig(lines: readonly string[]): string {
  return `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} >> /etc/ssh/sshd_config`;
}

export function dropIn(name: string, lines: readonly string[]): FileSpec {
  return { path: `/etc/ssh/sshd_config.d/${name}`, content: `${lines.join('\n')}\n`, mode: 0o644 };
}

export interface KeyFileOptions {
  user: string;
  home?: string;
  dir?: string;
  name?: string;
  content: string;
  dirMode?: number;
  fileMode?: number;
  owner?: string;
  dirOwner?: string;
}

/** ~/.ssh and the key file, correct unless an option says otherwise. */
export function keyFiles(o: KeyFileOptions): FileSpec[] {
  const home = o.home ?? `/home/${o.user}`;
  const dir = `${home}/${o.dir ?? '.ssh'}`;
  const owner = `${o.user}:${o.user}`;
  return [
    { path: dir, mode: o.dirMode ?? 0o700, owner: o.dirOwner ?? owner },
    {
      path: `${dir}/${o.name ?? 'authorized_keys'}`,
      content: o.content.endsWith('\n') ? o.content : `${o.content}\n`,
      mode: o.fileMode ?? 0o600,
      owner: o.owner ?? owner,
    },
  ];
}

/** The common case: alice (sudo, password known) plus the owner's hardening and some key files. */
export function hardenedAlice(files: FileSpec[], extra: Partial<ServerSpec> = {}): ServerSpec {
  return {
    rootPassword: PASSWORDS.root,
    users: [ALICE],
    ...extra,
    files: [...files, ...(extra.files ?? [])],
    commands: [appendSshdConfig(HARDENING), ...(extra.commands ?? [])],
  };
}

/** Splits a one-line key where a terminal paste would wrap it. */
export function wrapKey(publicKey: string, column = 64): string {
  return `${publicKey.slice(0, column)}\n${publicKey.slice(column)}`;
}

const ROOT_CONSOLE = { name: 'root', password: PASSWORDS.root };

type ScenarioInput = Omit<Scenario, 'consoleUser' | 'loginUser'> &
  Partial<Pick<Scenario, 'consoleUser' | 'loginUser'>>;

export function defineScenario(input: ScenarioInput): Scenario {
  return { loginUser: 'alice', consoleUser: ROOT_CONSOLE, ...input };
}

export type { Scenario, ScenarioContext };
