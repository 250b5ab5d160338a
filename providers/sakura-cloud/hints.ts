/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const sakuraCloudHintsEn = {
  'providers.hint.sakura-vnc':
    'the VNC proxy gave no usable host, port and password; use the control panel console',
} as const;

export const sakuraCloudHintsJa: Record<keyof typeof sakuraCloudHintsEn, string> = {
  'providers.hint.sakura-vnc':
    'VNC プロキシから使えるホスト・ポート・パスワードが返りませんでした。コントロールパネルのコンソールを使ってください',
};

export const sakuraCloudHints = { en: sakuraCloudHintsEn, ja: sakuraCloudHintsJa };
