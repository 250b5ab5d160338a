/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const proxmoxHintsEn = {
  'providers.hint.proxmox-serial':
    'the VM has no serial port socket; add one with `qm set {vmid} -serial0 socket` and restart it',
  'providers.hint.proxmox-token-serial':
    'an API token cannot open the serial console on this node (qemu-server {version}; tokens work from 9.1.7): set PROXMOX_VE_USERNAME and PROXMOX_VE_PASSWORD as well, or use the guest agent or VNC',
  'providers.hint.proxmox-agent': 'the QEMU guest agent is not enabled or not running in VM {vmid}',
  'providers.hint.proxmox-lxc': 'this is a container (LXC); only QEMU VMs are supported',
} as const;

export const proxmoxHintsJa: Record<keyof typeof proxmoxHintsEn, string> = {
  'providers.hint.proxmox-serial':
    'VM にシリアルポートのソケットがありません。`qm set {vmid} -serial0 socket` で追加して再起動してください',
  'providers.hint.proxmox-token-serial':
    'このノード（qemu-server {version}）では API トークンでシリアルコンソールを開けません（9.1.7 以降で対応）。PROXMOX_VE_USERNAME と PROXMOX_VE_PASSWORD も設定するか、ゲストエージェントか VNC を使ってください',
  'providers.hint.proxmox-agent': 'VM {vmid} で QEMU ゲストエージェントが有効でないか、動作していません',
  'providers.hint.proxmox-lxc': 'これはコンテナ（LXC）です。対応しているのは QEMU の VM だけです',
};

export const proxmoxHints = { en: proxmoxHintsEn, ja: proxmoxHintsJa };
