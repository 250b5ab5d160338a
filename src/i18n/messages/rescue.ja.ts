import type { rescueEn } from './rescue.en.js';

/** rescue の日本語メッセージ。 */
export const rescueJa: Record<keyof typeof rescueEn, string> = {
  'rescue.offers.none':
    '直接指定のコンソールでは vps-rescue が把握している手段はありません。プロバイダーの管理画面のパスワードリセット、レスキューシステム、コマンド実行機能を使ってから、もう一度 vps-rescue を実行してください',
  'diagnose.cause.config.syntax': 'sshd_config に誤りがあり、sshd を(再)起動できません: {detail}',
  'diagnose.fix.config.syntax':
    'エラーに示された行を直すかコメントアウトし、再起動の前に `sshd -t` で確認してください。',
  'diagnose.cause.daemon.down': 'sshd が動いていません({unit}): {why}',
  'diagnose.down.config': '設定が `sshd -t` を通りません({evidence})。',
  'diagnose.down.runtime-dir':
    '停止した後に手動で起動されたため、サービスが作る実行時ディレクトリ /run/sshd がありません({evidence})。',
  'diagnose.down.port-taken':
    '別のプログラムがポート {port} を使っているため、sshd が待ち受けできません({evidence})。',
  'diagnose.down.crash': 'sshd が異常終了したか、強制終了されました({evidence})。',
  'diagnose.down.stopped': '停止された(または起動されなかった)まま、再起動されていません({evidence})。',
  'diagnose.fix.daemon.down': '`sshd -t` で設定を確認してから {unit} を起動してください。',
  'diagnose.cause.daemon.listen':
    'sshd は動いていますが、接続先で待ち受けていません(ポート {port}、待ち受け中: {where})。{elsewhere}',
  'diagnose.listen.elsewhere':
    '代わりにポート {listenPort}({address})で待ち受けています。`ssh -p {listenPort}` で接続してください。',
  'diagnose.fix.daemon.listen':
    '到達できるアドレスのポート {port} で待ち受けるよう Port/ListenAddress(または ssh.socket)を設定してください。',
  'diagnose.cause.daemon.socket-activation': 'SSH は {unit} によるソケット起動です。{state}',
  'diagnose.fix.daemon.socket-activation': '{todo}(ソケットユニット: {unit})',
  'diagnose.socket.listening':
    '接続先の {listening} で待ち受けています。sshd_config の Port の変更は、`systemctl daemon-reload` と {unit} の再起動のあとで初めて反映されます。',
  'diagnose.socket.stale':
    'sshd_config はポート {configured} を指定していますが、{unit} はまだ {listening} で待ち受けているため、接続先のポート {port} は閉じています(変更が `systemctl daemon-reload` と {unit} の再起動で反映されていません)。',
  'diagnose.socket.pinned':
    'ドロップイン {path} の設定どおり {listening} で待ち受けており、接続先のポート {port} では待ち受けていません。',
  'diagnose.socket.elsewhere':
    '{listening} で待ち受け、sshd_config はポート {configured} を指定していますが、接続先はポート {port} です。',
  'diagnose.socket.unknown': 'ポートを決めるのは sshd_config の Port/ListenAddress だけではありません。',
  'diagnose.socketfix.listening':
    'ポートを変えるには sshd_config を編集し、`systemctl daemon-reload` と `systemctl restart {unit}` を実行してください。',
  'diagnose.socketfix.stale':
    '`systemctl daemon-reload` を実行し、ssh.service を停止してから `systemctl restart {unit}` を実行してください。systemd がポート {configured} で待ち受けます。',
  'diagnose.socketfix.pinned':
    '{path} の ListenStream= をポート {port} にする(またはそのドロップインを削除する)と、`systemctl daemon-reload` と `systemctl restart {unit}` のあとで反映されます。',
  'diagnose.socketfix.elsewhere':
    '{unit} が待ち受けているポートに接続するか、sshd_config に Port {port} を設定して `systemctl daemon-reload` と `systemctl restart {unit}` を実行してください。',
  'diagnose.socketfix.unknown':
    '{unit} がポートを取る設定(systemctl cat {unit})を変更してから {unit} を再起動してください。',
  'diagnose.cause.net.firewall': 'サーバーのファイアウォールがポート {port} を遮断しています: {rule}',
  'diagnose.fix.net.firewall': 'ファイアウォールで TCP ポート {port} の受信を許可してください。',
  'diagnose.cause.account.missing': 'アカウント {user} はこのサーバーに存在しません。',
  'diagnose.fix.account.missing': '存在するアカウントでログインするか、先に {user} を作成してください。',
  'diagnose.cause.account.shell':
    '{user} のログインシェル({shell})が存在しないため、sshd はこのユーザーを拒否します。',
  'diagnose.fix.account.shell':
    '{user} にインストール済みのシェルを設定する(chsh か usermod -s /bin/sh)か、{shell} をインストールしてください。',
  'diagnose.cause.account.locked':
    'アカウント {user} はロックされており、sshd 自身がそれを確認しています(UsePAM no)。',
  'diagnose.fix.account.locked':
    '{user} のロックを解除する(usermod -U)か、新しいパスワードを設定してください。',
  'diagnose.cause.policy.user-filter': '{keyword} {value} により、sshd は {user} を拒否します。',
  'diagnose.fix.policy.user-filter':
    '{keyword} に {user} を加えるかその行を削除し(入力ミス?)、`sshd -t` の後に再読み込みしてください。',
  'diagnose.cause.policy.root-refused':
    'sshd は root のログインを拒否する設定です(PermitRootLogin no)。{user} ではログインできません。',
  'diagnose.fix.policy.root-refused':
    'sudo できる一般ユーザーでログインするか、{user} 用に PermitRootLogin prohibit-password(鍵のみ)を設定してください。',
  'diagnose.cause.policy.pubkey-disabled': '{user} の公開鍵ログインが無効です(PubkeyAuthentication no)。',
  'diagnose.fix.policy.pubkey-disabled':
    '{user} に効いている PubkeyAuthentication no の行を削除し、`sshd -t` の後に再読み込みしてください。',
  'diagnose.cause.policy.authmethods':
    '{user} は鍵だけではログインできません: AuthenticationMethods が {value} です。',
  'diagnose.fix.policy.authmethods':
    '{user} に publickey だけの方式リストを加えるか、AuthenticationMethods の行を削除してください。',
  'diagnose.cause.keys.file-missing': '{user} の鍵ファイルがありません。sshd が読むのは {path} です。',
  'diagnose.fix.keys.file-missing':
    '公開鍵を書いた {path} を作成してください(ディレクトリ 700、ファイル 600、所有者 {user})。',
  'diagnose.cause.keys.misnamed': '{user} の鍵ファイルの名前が違います: {path}(sshd が読むのは {expected})。',
  'diagnose.fix.keys.misnamed': '{path} を {expected} に名前変更してください。',
  'diagnose.cause.keys.wrong-home':
    '{user} の鍵が {path} にあります。sshd は {user} のためにこのファイルを読みません。',
  'diagnose.fix.keys.wrong-home':
    '鍵だけ(種類・鍵・コメント)を {expected} にコピーしてください(所有者 {user}、モード 600。その行のオプションはコピーしません: {options})。',
  'diagnose.cause.keys.wrong-dir':
    '{user} の鍵は {path} にあります。ディレクトリ名は .ssh でなければならず({expected})、sshd はこのファイルを読みません。',
  'diagnose.fix.keys.wrong-dir':
    '鍵を {expected} にコピーしてください(ディレクトリ 700、ファイル 600、所有者 {user})。',
  'diagnose.cause.keys.in-home':
    '{user} の鍵はホームディレクトリ直下の {path} にあります。sshd が読むのは {expected} だけです。',
  'diagnose.fix.keys.in-home':
    '鍵を {expected} にコピーしてください(ディレクトリ 700、ファイル 600、所有者 {user})。',
  'diagnose.cause.keys.unreadable':
    'sshd は {user} として {path} を読めません。{blocked}(所有者 {owner})でアクセスが止まります。',
  'diagnose.fix.keys.unreadable':
    '{user} が読めるようにしてください: {path} の所有者を {user}・モード 600 にし、途中のディレクトリを検索可能にします。',
  'diagnose.cause.keys.not-regular':
    '{path} は通常のファイルではないため、sshd は {user} について無視します。',
  'diagnose.fix.keys.not-regular': '{path} を {user} の鍵を書いた通常のファイルに置き換えてください。',
  'diagnose.cause.keys.withheld':
    '{path} は読みませんでした。ハードリンクが {links} 個あるか、所有者が {user} でも root でもない uid {uid} のため、別のファイル（/etc/shadow など）である可能性があります。',
  'diagnose.fix.keys.withheld':
    '{path} を手で確認してください。リンクが 1 個だけの {user} 所有のファイルに置き換え、{user} の鍵だけを書いてください。',
  'diagnose.cause.keys.owner':
    '{path} の所有者が {owner} です。sshd は所有者が {user} か root であることを要求します。',
  'diagnose.fix.keys.owner':
    '{path} の所有者を {user} に戻してください(chown。リンクをたどらずそのもの自体に。ホーム外のディレクトリは root に)。',
  'diagnose.cause.keys.mode':
    '{path} が他者から書き込み可能(モード {mode})なので、sshd は {user} について無視します。',
  'diagnose.fix.keys.mode': 'chmod 600 {path} を実行してください({user} の鍵ファイル)。',
  'diagnose.cause.keys.dir-mode':
    'ディレクトリ {path} が他者から書き込み可能(モード {mode})なので、sshd は {user} の鍵を無視します。',
  'diagnose.fix.keys.dir-mode':
    '{user} のために {path} のグループ/その他の書き込み権を外してください(chmod go-w)。',
  'diagnose.cause.keys.private-key':
    '{path} に秘密鍵({header})があります。秘密鍵をサーバーに置いてはいけません。',
  'diagnose.fix.keys.private-key':
    '{path} から秘密鍵のブロックを削除して公開鍵だけを残し、その鍵ペアは作り直してください。',
  'diagnose.cause.keys.empty': '{path} に鍵がありません。',
  'diagnose.fix.keys.empty': '{path} に公開鍵を追加してください。',
  'diagnose.cause.keys.bom':
    '{path} の {line} 行目の先頭に見えない BOM があり、sshd は {user} のその鍵を読み飛ばします。',
  'diagnose.fix.keys.bom': '{path} の先頭({line} 行目)の BOM を削除してください。',
  'diagnose.cause.keys.rfc4716':
    '{path} の {line} 行目: {user} の鍵が PuTTY/RFC 4716 形式({line}〜{last} 行目)で、sshd はこの形式を読めません。',
  'diagnose.fix.keys.rfc4716':
    '{path} の {line}〜{last} 行目を OpenSSH の 1 行形式の鍵に置き換えてください。',
  'diagnose.cause.keys.line-wrapped':
    '{path} の {line} 行目: {user} の鍵が {line}〜{last} 行目に分かれて改行されています。',
  'diagnose.fix.keys.line-wrapped': '{path} の {line}〜{last} 行目を 1 行につなげてください。',
  'diagnose.cause.keys.bad-option':
    '{path} の {line} 行目に sshd が知らないオプションがあり、{user} の鍵が無視されます。',
  'diagnose.fix.keys.bad-option':
    '{path} の {line} 行目から不明なオプションを削除してください。sshd が知っているオプションは残します({kept})。',
  'diagnose.cause.keys.bad-line':
    '{path} の {line} 行目は正しい鍵の行ではなく、sshd は {user} について読み飛ばします。',
  'diagnose.fix.keys.bad-line': '{path} の {line} 行目を直すか削除してください。',
  'diagnose.cause.keys.from-mismatch':
    '{path} の {line} 行目: {user} の鍵は {from} からしか使えないため、{address} からの確認には使えません。',
  'diagnose.fix.keys.from-mismatch':
    'お客様ご自身の制限なので、書かれたままにしています。お客様の依頼がある場合だけ、{path} の {line} 行目の from= に {address} を加えてください。',
  'diagnose.cause.keys.not-authorized':
    'お客様の公開鍵が {path} にないため、{user} としてログインできません。',
  'diagnose.fix.keys.not-authorized': '{user} の {path} に公開鍵を追加してください。',
  'diagnose.cause.policy.algorithm': 'sshd は {type} の鍵を受け付けないため、{user} の鍵は拒否されます。',
  'diagnose.fix.policy.algorithm': '{user} には {type} ではなく ed25519 の鍵を使ってください。',
  'diagnose.cause.account.expired':
    'アカウント {user} は有効期限切れのため、鍵が受け付けられた後でログインが拒否されます。',
  'diagnose.fix.account.expired': '{user} の有効期限を解除してください(chage -E -1)。',
  'diagnose.cause.account.password-expired':
    '{user} のパスワードは期限切れです。ログイン時に変更を求められます。',
  'diagnose.fix.account.password-expired':
    '{user} に新しいパスワードを設定するか、chage で期限を延ばしてください。',
  'diagnose.cause.account.nologin':
    '{user} のシェルが {shell} です。鍵は受け付けられますが、セッションを開始できません。',
  'diagnose.fix.account.nologin': '{user} に通常のシェルを設定してください(usermod -s /bin/bash)。',
  'diagnose.cause.policy.maxauthtries':
    '{user} の MaxAuthTries は {value} です。複数の鍵を試すクライアントは正しい鍵の前に切断されることがあります。',
  'diagnose.fix.policy.maxauthtries':
    '{user} として正しい鍵だけで接続してください(ssh -o IdentitiesOnly=yes -i 鍵)。',
  'diagnose.cause.config.overridden':
    '{keyword} {value} は効いていません。先に {winner} が {winnerValue} を設定しており、最初の値が優先されます。',
  'diagnose.fix.config.overridden':
    '{winner} の {keyword} をコメントアウトする(またはそこで望む値にする)後、`sshd -t` と再読み込みをしてください。',
  'diagnose.cause.config.after-match':
    '{keyword} {value} は Match {criteria}({match})のブロック内にあるため、全体には適用されません。',
  'diagnose.fix.config.after-match':
    '{keyword} {value} をそのファイルの最初の Match 行より上に移してください。',
  'diagnose.cause.account.no-password':
    '{user} には使えるパスワードがありません。{user} でのコンソールログインはできません。',
  'diagnose.fix.account.no-password':
    'コンソールログインが必要なら、root のシェルから {user} にパスワードを設定してください。',
  'diagnose.cause.account.no-sudo':
    '{user} には sudo 権限がありません。ログインしても {user} はサーバーを管理できません。',
  'diagnose.fix.account.no-sudo':
    '{user} を sudo グループ(Debian/Ubuntu)か wheel グループ(RHEL、Alpine)に追加してください。',
  // Gates, listeners and keys in the wrong account
  'diagnose.cause.policy.authmethods-disabled':
    'AuthenticationMethods {value}({where})は {disabled} を必要としますが、それは無効です({off})。どの方式の組も満たせないため、この設定が適用される人は誰もログインできません。',
  'diagnose.fix.policy.authmethods-disabled':
    'その行から無効な方式を取り除いてください({fixed}。何も残らなければ行をコメントアウト)。残るのは有効な方式だけで、無効にされた方式が有効になることはありません。その後 `sshd -t` と reload。',
  'diagnose.cause.keys.other-account':
    '{user} の鍵が {account} の鍵ファイル {path} にあります。別のアカウントに貼り付けられたため、sshd は {user} のためにそれを読みません。',
  'diagnose.fix.keys.other-account':
    'その鍵だけ(種類・鍵・コメント)を {expected} にコピーしてください(所有者 {user}、モード 600)。vps-rescue が自動で行うのは、{path} を root だけが書き込めて、鍵が明らかに {user} のもの(コメント {comment}、またはそこにある唯一の鍵)である場合だけです。それ以外はパスワード窓口を開きます。他のアカウントのファイルにある鍵は、{user} のものである証拠にならないためです。',
};
