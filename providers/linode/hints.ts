/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const linodeHintsEn = {
  'providers.hint.linode-rescue-running':
    'the Linode will reboot into Finnix; its disks are attached as {disks}',
  'providers.hint.linode-lish-disabled':
    'Lish is disabled in the Linode profile of {user} (Lish authentication method "disabled"); enable it in Cloud Manager',
  'providers.hint.linode-lish-key':
    "log in to Lish as {user} with a key from your Linode profile's Lish settings (LINODE_LISH_KEY_FILE or an SSH agent), or with the Cloud Manager password (LINODE_LISH_PASSWORD) unless the profile allows keys only",
} as const;

export const linodeHintsJa: Record<keyof typeof linodeHintsEn, string> = {
  'providers.hint.linode-rescue-running':
    'Linode は Finnix で再起動します。ディスクは {disks} として接続されます',
  'providers.hint.linode-lish-disabled':
    '{user} の Linode プロファイルで Lish が無効です（認証方式 "disabled"）。Cloud Manager で有効にしてください',
  'providers.hint.linode-lish-key':
    'Lish には {user} として、プロファイルの Lish 設定に登録した鍵（LINODE_LISH_KEY_FILE か SSH エージェント）、または鍵のみの設定でなければ Cloud Manager のパスワード（LINODE_LISH_PASSWORD）でログインします',
};

export const linodeHints = { en: linodeHintsEn, ja: linodeHintsJa };
