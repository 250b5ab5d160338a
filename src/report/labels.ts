import type { Lang } from '../i18n/index.js';

/** Report wording, English and Japanese side by side so neither can fall behind. */
const LABELS = {
  title: { en: 'vps-rescue report', ja: 'vps-rescue 作業報告' },
  result: { en: 'Result', ja: '結果' },
  cause: { en: 'Cause', ja: '原因' },
  resultOk: {
    en: 'SSH access restored and verified from outside',
    ja: 'SSH でのアクセスを復旧し、外部から確認しました',
  },
  resultDiagnosed: { en: 'Diagnosis only: nothing was changed', ja: '診断のみ: 何も変更していません' },
  resultFailed: { en: 'SSH access is NOT verified yet', ja: 'SSH でのアクセスはまだ確認できていません' },
  resultNotProven: {
    en: 'Changed, but NOT proven: nothing here showed that sshd lets the user in',
    ja: '変更しましたが未確認です: sshd がログインを許可することを確認できていません',
  },
  server: { en: 'Server', ja: 'サーバー' },
  error: { en: 'Stopped by', ja: '中断の理由' },
  via: { en: 'Way in', ja: '接続経路' },
  user: { en: 'User', ja: 'ユーザー' },
  action: { en: 'Action', ja: '実行内容' },
  time: { en: 'Time', ja: '日時' },
  timeline: { en: 'Time line', ja: '経過' },
  causes: { en: 'Why sshd refused', ja: 'sshd が拒否した原因' },
  primary: { en: 'primary cause', ja: '主な原因' },
  noCause: { en: 'No blocking cause found.', ja: 'ログインを妨げる原因は見つかりませんでした。' },
  fix: { en: 'Fix', ja: '対処' },
  changes: { en: 'Changes made', ja: '実施した変更' },
  noChanges: { en: 'No change was made to the server.', ja: 'サーバーには何も変更を加えていません。' },
  backup: { en: 'Backup on the server', ja: 'サーバー上のバックアップ' },
  status: { en: 'Status', ja: '状態' },
  files: { en: 'Files', ja: 'ファイル' },
  window: { en: 'Password login window', ja: 'パスワードログインの受付期間' },
  windowUntil: { en: 'closes automatically at', ja: '自動で終了する日時' },
  windowPermanent: { en: 'permanent (no time limit was set)', ja: '無期限(時間制限なし)' },
  passwordHandedOver: {
    en: 'A new password was set and handed over',
    ja: '新しいパスワードを設定し、次の方法で引き渡しました',
  },
  notFixed: { en: 'Found but not changed', ja: '検出したが変更していないもの' },
  verification: { en: 'Verification from outside', ja: '外部からの確認' },
  reachable: { en: 'TCP port reachable', ja: 'TCP ポートへの到達' },
  methods: { en: 'Methods offered', ja: '提示された認証方式' },
  login: { en: 'Login', ja: 'ログイン' },
  proof: { en: 'Proof', ja: '確認結果' },
  yes: { en: 'yes', ja: 'はい' },
  no: { en: 'no', ja: 'いいえ' },
  nextSteps: { en: 'Next steps for the customer', ja: 'お客様へのお願い(次の手順)' },
  transcript: { en: 'Console transcript (secrets masked)', ja: 'コンソール記録(秘密情報は伏せ字)' },
  counters: { en: 'Console use', ja: 'コンソール使用量' },
  'step.connect': { en: 'connected', ja: '接続しました' },
  'step.way-in': { en: 'way in', ja: '接続経路' },
  'step.login': { en: 'logged in', ja: 'ログインしました' },
  'step.diagnose': { en: 'diagnosed', ja: '診断しました' },
  'step.fix': { en: 'repairing', ja: '修復しています' },
  'step.authorize-key': { en: 'installing the customer key', ja: 'お客様の公開鍵を登録しています' },
  'step.enable-password': {
    en: 'opening the password window',
    ja: 'パスワードログインを一時的に許可しています',
  },
  'step.create-user': { en: 'creating the admin account', ja: '管理用アカウントを作成しています' },
  'step.verify': { en: 'verified from outside', ja: '外部から確認しました' },
  'step.find-server': { en: 'found the server', ja: 'サーバーを特定しました' },
  'step.open-console': { en: 'opened the console', ja: 'コンソールを開きました' },
  reportWritten: { en: 'Report', ja: 'レポート' },
  passwordShownOnce: {
    en: 'New password for {user} (shown once, not stored anywhere): {password}',
    ja: '{user} の新しいパスワード(この一度だけ表示し、どこにも保存しません): {password}',
  },
} as const;

export type LabelKey = keyof typeof LABELS;

export function label(lang: Lang, key: LabelKey, params: Record<string, string> = {}): string {
  return LABELS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

export function stepLabel(lang: Lang, step: string): string {
  const key = `step.${step}`;
  return key in LABELS ? label(lang, key as LabelKey) : step;
}

/** What the customer does next to finish key-only hardening without locking themselves out again. */
export function nextSteps(
  lang: Lang,
  o: { user: string; host: string; windowUntil?: string; keyWorks: boolean; tryCommand?: string },
): string[] {
  if (lang === 'ja') {
    return [
      o.tryCommand
        ? `ログインできることはまだ確認できていません。次を実行し、表示された内容をお知らせください: \`${o.tryCommand}\``
        : o.keyWorks
          ? `鍵でログインできることを確認してください: \`ssh ${o.user}@${o.host}\``
          : `パスワードで一度ログインし(\`ssh ${o.user}@${o.host}\`)、公開鍵を \`~/.ssh/authorized_keys\` に 1 行で登録してください(\`ssh-copy-id\` が確実です)。`,
      '設定を変更する前に、今ログインしているセッションを 1 つ開いたままにしてください。',
      '別のターミナルから新しく鍵でログインできることを確認してから、そのセッションを閉じてください。',
      o.windowUntil
        ? `パスワードログインは ${o.windowUntil} に自動で無効に戻ります。それまでに鍵ログインを確認してください。`
        : 'パスワードログインを無効に戻すときは、鍵ログインを確認した後に行ってください。',
      '`sudo sshd -t` で設定を確認してから `sudo systemctl reload ssh` で反映してください(restart ではなく reload)。',
    ];
  }
  return [
    o.tryCommand
      ? `Login is not proven yet. Run this and send us what it prints: \`${o.tryCommand}\``
      : o.keyWorks
        ? `Check that key login works: \`ssh ${o.user}@${o.host}\``
        : `Log in once with the password (\`ssh ${o.user}@${o.host}\`) and add your public key to \`~/.ssh/authorized_keys\` as one line (\`ssh-copy-id\` does it right).`,
    'Before changing sshd settings again, keep one logged-in session open.',
    'Test a new key login from a second terminal; only then close the first session.',
    o.windowUntil
      ? `Password login turns itself off again at ${o.windowUntil}; confirm key login before then.`
      : 'Turn password login off again only after key login works.',
    'Check with `sudo sshd -t`, then apply with `sudo systemctl reload ssh` (reload, not restart).',
  ];
}
