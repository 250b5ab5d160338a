/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const gcpHintsEn = {
  'providers.hint.gcp-no-project':
    'no Google Cloud project: set CLOUDSDK_CORE_PROJECT or GOOGLE_CLOUD_PROJECT (or use a credentials file that names one)',
  'providers.hint.gcp-credentials-file': 'the credentials file {path} could not be read as JSON ({reason})',
  'providers.hint.gcp-serial-disabled':
    'interactive serial port access is off for {instance} (metadata serial-port-enable is not TRUE on the instance, nor on the project without an instance override); enable it with `gcloud compute instances add-metadata {instance} --zone {zone} --metadata serial-port-enable=TRUE`',
  'providers.hint.gcp-org-policy':
    'the organization policy constraints/compute.disableSerialPortAccess is enforced for project {project}: serial port access cannot be enabled until an organization policy administrator lifts it',
  'providers.hint.gcp-org-policy-open':
    'no organization policy forbids it (constraints/compute.disableSerialPortAccess is not enforced for project {project})',
  'providers.hint.gcp-org-policy-unknown':
    'whether an organization policy (constraints/compute.disableSerialPortAccess) forbids it could not be checked: {reason}',
  'providers.hint.gcp-key-file':
    'no private key for the serial port gateway at {path} (gcloud keeps its key there; GCP_SERIAL_KEY_FILE names another)',
  'providers.hint.gcp-key-missing':
    'the serial port gateway accepts only keys in the ssh-keys metadata of the instance or project (or, with OS Login, in your OS Login profile): add `{user}:{key}` to the ssh-keys of {instance}, or let `gcloud compute connect-to-serial-port {instance} --zone {zone}` add it once',
  'providers.hint.gcp-host-key':
    "the serial port gateway's host key could not be fetched from {url} ({reason}); set GCP_SERIAL_HOST_KEY to the key line or its SHA256 fingerprint",
  'providers.hint.gcp-custom-gateway':
    'GCP_SERIAL_GATEWAY names another gateway ({gateway}) but GCP_SERIAL_HOST_KEY does not say which host key it has; an unpinned gateway is never used',
  'providers.hint.gcp-serial-ready':
    'serial port of {instance}: serial-port-enable=TRUE ({scope}); your key is in the {keyScope}; gateway {gateway} pinned to host key {fingerprint} ({keySource})',
  'providers.hint.gcp-oslogin':
    'OS Login is on for {instance} (enable-oslogin): for OS Login users sshd takes keys from OS Login profiles, not from ~/.ssh/authorized_keys; a key repair for them must go through OS Login (`gcloud compute os-login ssh-keys add --key-file KEY.pub`)',
  'providers.hint.gcp-agent-keys':
    "the instance's ssh-keys metadata names {users}: the Google guest agent, where it runs, rewrites the keys it manages in their authorized_keys from metadata; a key repair for them belongs in the metadata (`gcloud compute instances add-metadata {instance} --zone {zone} --metadata-from-file ssh-keys=FILE`)",
  'providers.hint.gcp-startup-reboots':
    'startup-script way: {instance} is reset once for every command (the script runs as root at boot, its output comes back through the serial port output API) and its metadata is restored after each; its own startup script, if any, does not run on those boots',
  'providers.hint.gcp-startup-secret':
    'this step carries a secret (a password), and a startup script is instance metadata: readable by every process on the instance, by project viewers and in the audit log; a password window needs the serial port',
  'providers.hint.gcp-startup-url':
    '{instance} has startup-script-url in its metadata, which the script runner may run instead of a startup-script; vps-rescue leaves it alone, so this way is not taken (remove it yourself with `gcloud compute instances remove-metadata {instance} --zone {zone} --keys startup-script-url` if you want it)',
  'providers.hint.gcp-not-running':
    'instance {instance} is {status}: a startup script runs only when the instance boots, and the serial port answers only while it runs',
  'providers.hint.gcp-startup-timeout':
    'the startup script produced no result on the serial port within {seconds} s (no guest agent to run startup scripts, or the boot takes longer)',
  'providers.hint.gcp-metadata-restored':
    'metadata of {instance} restored after command {count} (startup-script as it was before)',
  'providers.hint.gcp-metadata-not-restored':
    'the metadata of {instance} could not be restored ({reason}): remove the key startup-script (or put the original back) with `gcloud compute instances remove-metadata {instance} --zone {zone} --keys startup-script`',
} as const;

export const gcpHintsJa: Record<keyof typeof gcpHintsEn, string> = {
  'providers.hint.gcp-no-project':
    'Google Cloud のプロジェクトが分かりません。CLOUDSDK_CORE_PROJECT か GOOGLE_CLOUD_PROJECT を設定してください（またはプロジェクトを含む認証情報ファイルを使ってください）',
  'providers.hint.gcp-credentials-file': '認証情報ファイル {path} を JSON として読めません（{reason}）',
  'providers.hint.gcp-serial-disabled':
    '{instance} のシリアルポートへの対話アクセスが無効です（インスタンスのメタデータ serial-port-enable が TRUE でなく、インスタンス側の指定がない場合のプロジェクト側も TRUE ではありません）。`gcloud compute instances add-metadata {instance} --zone {zone} --metadata serial-port-enable=TRUE` で有効にしてください',
  'providers.hint.gcp-org-policy':
    'プロジェクト {project} には組織のポリシー constraints/compute.disableSerialPortAccess が適用されています。組織ポリシー管理者が解除するまでシリアルポートアクセスは有効にできません',
  'providers.hint.gcp-org-policy-open':
    '組織のポリシーによる禁止はありません（プロジェクト {project} で constraints/compute.disableSerialPortAccess は適用されていません）',
  'providers.hint.gcp-org-policy-unknown':
    '組織のポリシー（constraints/compute.disableSerialPortAccess）で禁止されているかは確認できませんでした: {reason}',
  'providers.hint.gcp-key-file':
    'シリアルポートゲートウェイ用の秘密鍵が {path} にありません（gcloud はここに鍵を置きます。別の鍵は GCP_SERIAL_KEY_FILE で指定できます）',
  'providers.hint.gcp-key-missing':
    'シリアルポートゲートウェイが受け付けるのは、インスタンスかプロジェクトのメタデータ ssh-keys にある鍵（OS Login では OS Login プロファイルの鍵）だけです。{instance} の ssh-keys に `{user}:{key}` を追加するか、`gcloud compute connect-to-serial-port {instance} --zone {zone}` を一度実行して追加してください',
  'providers.hint.gcp-host-key':
    'シリアルポートゲートウェイのホスト鍵を {url} から取得できません（{reason}）。GCP_SERIAL_HOST_KEY に鍵の行か SHA256 フィンガープリントを設定してください',
  'providers.hint.gcp-custom-gateway':
    'GCP_SERIAL_GATEWAY で別のゲートウェイ（{gateway}）が指定されていますが、GCP_SERIAL_HOST_KEY でそのホスト鍵が指定されていません。ホスト鍵を固定できないゲートウェイは使いません',
  'providers.hint.gcp-serial-ready':
    '{instance} のシリアルポート: serial-port-enable=TRUE（{scope}）、鍵は {keyScope} にあります。ゲートウェイ {gateway} のホスト鍵 {fingerprint} を固定しました（{keySource}）',
  'providers.hint.gcp-oslogin':
    '{instance} では OS Login が有効です（enable-oslogin）。OS Login ユーザーの鍵は ~/.ssh/authorized_keys ではなく OS Login プロファイルから読まれるため、その鍵の修復は OS Login で行ってください（`gcloud compute os-login ssh-keys add --key-file KEY.pub`）',
  'providers.hint.gcp-agent-keys':
    'インスタンスのメタデータ ssh-keys に {users} があります。Google ゲストエージェントが動いている場合、これらのユーザーの authorized_keys のうちエージェントが管理する鍵はメタデータから書き直されます。その鍵の修復はメタデータで行ってください（`gcloud compute instances add-metadata {instance} --zone {zone} --metadata-from-file ssh-keys=FILE`）',
  'providers.hint.gcp-startup-reboots':
    'スタートアップスクリプト方式: コマンドごとに {instance} を 1 回リセットします（スクリプトは起動時に root で実行され、出力はシリアルポート出力 API で読み取ります）。メタデータは毎回元に戻します。その間、元のスタートアップスクリプトは実行されません',
  'providers.hint.gcp-startup-secret':
    'この手順は秘密情報（パスワード）を含みます。スタートアップスクリプトはインスタンスのメタデータで、インスタンス上のすべてのプロセス、プロジェクトの閲覧者、監査ログから読めます。パスワードを使える期間を開くにはシリアルポートが必要です',
  'providers.hint.gcp-startup-url':
    '{instance} のメタデータには startup-script-url があり、スクリプト実行側が startup-script の代わりにそちらを実行する可能性があります。vps-rescue はこれを変更しないため、この方法は使いません（使う場合は `gcloud compute instances remove-metadata {instance} --zone {zone} --keys startup-script-url` でご自身で削除してください）',
  'providers.hint.gcp-not-running':
    'インスタンス {instance} は {status} です。スタートアップスクリプトは起動時にしか実行されず、シリアルポートは稼働中しか応答しません',
  'providers.hint.gcp-startup-timeout':
    'スタートアップスクリプトの結果が {seconds} 秒以内にシリアルポートに現れませんでした（スタートアップスクリプトを実行するゲストエージェントがないか、起動に時間がかかっています）',
  'providers.hint.gcp-metadata-restored':
    'コマンド {count} の後、{instance} のメタデータを元に戻しました（startup-script は実行前の状態です）',
  'providers.hint.gcp-metadata-not-restored':
    '{instance} のメタデータを元に戻せませんでした（{reason}）。`gcloud compute instances remove-metadata {instance} --zone {zone} --keys startup-script` で startup-script を削除（または元の内容に戻）してください',
};

export const gcpHints = { en: gcpHintsEn, ja: gcpHintsJa };
