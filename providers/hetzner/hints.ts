/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const hetznerHintsEn = {
  'providers.hint.hetzner-rescue':
    'the server was reset into the Hetzner rescue system; log in as root over SSH to {host}',
  'providers.hint.hetzner-no-public-ip':
    'the server has neither a public IPv4 nor a public IPv6 network, so its rescue system could not be reached over SSH',
} as const;

export const hetznerHintsJa: Record<keyof typeof hetznerHintsEn, string> = {
  'providers.hint.hetzner-rescue':
    'サーバーを Hetzner のレスキューシステムで再起動しました。{host} に root で SSH ログインしてください',
  'providers.hint.hetzner-no-public-ip':
    'サーバーに公開 IPv4 も公開 IPv6 ネットワークもないため、レスキューシステムに SSH で接続できません',
};

export const hetznerHints = { en: hetznerHintsEn, ja: hetznerHintsJa };
