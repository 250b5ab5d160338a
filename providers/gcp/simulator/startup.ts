import type { SimInstance } from './state.js';

/**
 * What a reset does in the lab: the instance's startup-script (if any) runs as root in the lab
 * server, as the guest agent's script runner would run it at boot, and every line it prints goes
 * to serial port 1 with the runner's prefix. The lab server itself is not rebooted.
 */
export async function runStartupScript(instance: SimInstance): Promise<void> {
  const script = instance.items.find((i) => i.key === 'startup-script')?.value;
  const host = instance.server.name;
  const stamp = () => new Date().toISOString();
  instance.serial += `${stamp()} ${host} systemd[1]: Started google-startup-scripts.service (simulated boot).\n`;
  if (script === undefined || !instance.server.exec) return;
  const runner = `${stamp()} ${host} google_metadata_script_runner[1077]:`;
  instance.serial += `${runner} Found startup-script in metadata.\n`;
  const r = await instance.server.exec(
    'f=$(mktemp) && cat > "$f" && chmod 700 "$f" && "$f"; rc=$?; rm -f "$f"; exit $rc',
    { input: script, timeoutMs: 120_000 },
  );
  for (const line of `${r.stdout}${r.stderr}`.split('\n').filter((l) => l !== ''))
    instance.serial += `${runner} startup-script: ${line}\n`;
  instance.serial += `${runner} startup-script exit status ${r.code}\n`;
}
