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
  hostKey: { en: 'Host key', ja: 'ホスト鍵' },
  hostKeyPinned: {
    en: 'pinned to the keys read on the console',
    ja: 'コンソールで読み取った鍵に固定して確認',
  },
  hostKeyTofu: {
    en: 'host key not pinned: trust on first use (no host key could be read on the console)',
    ja: 'ホスト鍵は固定していません: 初回接続時の鍵を信頼しました(コンソールでホスト鍵を読み取れませんでした)',
  },
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
  'step.plan': { en: 'plan', ja: '実行計画' },
  'step.verify': { en: 'verified from outside', ja: '外部からの確認' },
  'step.find-server': { en: 'found the server', ja: 'サーバーを特定しました' },
  'step.open-console': { en: 'opened the console', ja: 'コンソールを開きました' },
  reportWritten: { en: 'Report', ja: 'レポート' },
  plan: {
    en: 'Plan (what a real run would do; nothing was applied)',
    ja: '実行計画(実際の実行で行う内容。何も適用していません)',
  },
  planStop: { en: 'A real run would stop here', ja: '実際の実行はここで止まります' },
  noPlan: { en: 'A real run would change nothing.', ja: '実際に実行しても何も変更しません。' },
  planIfRefused: {
    en: 'only if the user is still refused after the change before',
    ja: '前の変更の後もログインできない場合のみ',
  },
  planReload: {
    en: 'then `sshd -t` and a reload of sshd',
    ja: 'その後 `sshd -t` で確認し、sshd を再読み込み',
  },
  planSetsPassword: {
    en: 'a new password is generated and set (handed over once)',
    ja: '新しいパスワードを生成して設定(一度だけ引き渡し)',
  },
  planWindow: { en: 'password login for {minutes}', ja: 'パスワードログインを {minutes} 許可' },
  planMinutes: {
    en: '{minutes} minutes, closed by a timer on the server',
    ja: '{minutes} 分間(サーバー上のタイマーで自動終了)',
  },
  planCommands: {
    en: 'Commands (run as root on the server)',
    ja: '実行するコマンド(サーバー上で root として実行)',
  },
  'status.ok': { en: 'ok', ja: '成功' },
  'status.rolled-back': { en: 'rolled-back', ja: '失敗したため元に戻しました' },
  'status.failed': { en: 'failed', ja: '失敗' },
  'status.unknown': { en: 'unknown', ja: '不明' },
  'change.fix': { en: 'fix', ja: '修復' },
  'change.authorize-key': { en: 'authorize-key', ja: '公開鍵の登録' },
  'change.enable-password': { en: 'enable-password', ja: 'パスワードログインの一時許可' },
  'change.create-user': { en: 'create-user', ja: 'アカウントの作成' },
  handedTerminal: { en: 'terminal (shown once)', ja: '端末に一度だけ表示' },
  handedFile: { en: 'file', ja: 'ファイル' },
  countersLine: {
    en: '{commands} commands, {roundTrips} round trips, {bytesTyped} bytes typed',
    ja: 'コマンド {commands} 回、往復 {roundTrips} 回、入力 {bytesTyped} バイト',
  },
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
  o: {
    user: string;
    host: string;
    port?: number;
    windowUntil?: string;
    keyWorks: boolean;
    tryCommand?: string;
  },
): string[] {
  // sshd verified on another port than 22 (it listens there): the customer connects there too.
  const to = `${o.port !== undefined && o.port !== 22 ? `-p ${o.port} ` : ''}${o.user}@${o.host}`;
  if (lang === 'ja') {
    return [
      o.tryCommand
        ? `ログインできることはまだ確認できていません。次を実行し、表示された内容をお知らせください: \`${o.tryCommand}\``
        : o.keyWorks
          ? `鍵でログインできることを確認してください: \`ssh ${to}\``
          : `パスワードで一度ログインし(\`ssh ${to}\`)、公開鍵を \`~/.ssh/authorized_keys\` に 1 行で登録してください(\`ssh-copy-id\` が確実です)。`,
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
        ? `Check that key login works: \`ssh ${to}\``
        : `Log in once with the password (\`ssh ${to}\`) and add your public key to \`~/.ssh/authorized_keys\` as one line (\`ssh-copy-id\` does it right).`,
    'Before changing sshd settings again, keep one logged-in session open.',
    'Test a new key login from a second terminal; only then close the first session.',
    o.windowUntil
      ? `Password login turns itself off again at ${o.windowUntil}; confirm key login before then.`
      : 'Turn password login off again only after key login works.',
    'Check with `sudo sshd -t`, then apply with `sudo systemctl reload ssh` (reload, not restart).',
  ];
}
