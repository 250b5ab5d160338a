/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const hetznerHintsEn = {
  'providers.hint.hetzner-password-agent':
    'Hetzner resets the root password through the QEMU guest agent; the server must be running with the agent installed',
  'providers.hint.hetzner-generated':
    'Hetzner chose the new root password itself; the requested one was not used',
  'providers.hint.hetzner-rescue':
    'the server was reset into the Hetzner rescue system; log in as root over SSH to {host}',
  'providers.hint.hetzner-no-public-ip':
    'the server has neither a public IPv4 nor a public IPv6 network, so its rescue system could not be reached over SSH',
} as const;

export const hetznerHintsJa: Record<keyof typeof hetznerHintsEn, string> = {
  'providers.hint.hetzner-password-agent':
    'Hetzner は QEMU ゲストエージェント経由で root パスワードを再設定します。エージェント入りでサーバーが起動している必要があります',
  'providers.hint.hetzner-generated':
    '新しい root パスワードは Hetzner が生成しました。指定したパスワードは使われていません',
  'providers.hint.hetzner-rescue':
    'サーバーを Hetzner のレスキューシステムで再起動しました。{host} に root で SSH ログインしてください',
  'providers.hint.hetzner-no-public-ip':
    'サーバーに公開 IPv4 も公開 IPv6 ネットワークもないため、レスキューシステムに SSH で接続できません',
};

export const hetznerHints = { en: hetznerHintsEn, ja: hetznerHintsJa };
