/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const sakuraCloudHintsEn = {
  'providers.hint.sakura-stopped':
    'Sakura Cloud edits a disk only while its server is stopped; shut it down first',
  'providers.hint.sakura-vnc':
    'the VNC proxy gave no usable host, port and password; use the keyboard API or the control panel console',
  'providers.hint.sakura-no-disk': 'the server has no disk to edit',
  'providers.note.sakura-disk-edit':
    'Sakura Cloud applies a disk edit reliably only to a disk first copied from one of its public images; if the new password does not work after boot, use the control panel console',
} as const;

export const sakuraCloudHintsJa: Record<keyof typeof sakuraCloudHintsEn, string> = {
  'providers.hint.sakura-stopped':
    'さくらのクラウドのディスク修正はサーバー停止中にしか行えません。先にシャットダウンしてください',
  'providers.hint.sakura-vnc':
    'VNC プロキシから使えるホスト・ポート・パスワードが返りませんでした。キーボード API かコントロールパネルのコンソールを使ってください',
  'providers.hint.sakura-no-disk': 'このサーバーには修正できるディスクがありません',
  'providers.note.sakura-disk-edit':
    'さくらのクラウドのディスク修正機能が確実に反映されるのは、公開アーカイブからコピーしたディスクのみです。起動後に新しいパスワードでログインできない場合は、コントロールパネルのコンソールをご利用ください',
};

export const sakuraCloudHints = { en: sakuraCloudHintsEn, ja: sakuraCloudHintsJa };
