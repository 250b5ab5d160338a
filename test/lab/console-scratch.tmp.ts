import { createServer } from '../../lab/index.js';
import { ConsoleSession } from '../../src/console/session.js';
const server = await createServer({
  hostname: 'web01',
  users: [{ name: 'alice', password: 'pw-alice-1', groups: ['sudo'], shell: '/bin/bash' }],
  rootPassword: 'pw-root-1',
});
try {
  await server.console.waitFor(/login: $/m, 60_000);
  const t0 = Date.now();
  const s = await ConsoleSession.open({ kind: 'local', url: `unix:${server.consoleSocket}` });
  try {
    const r = await s.login({ user: 'alice', password: 'pw-alice-1' });
    console.log('login', r, Date.now() - t0, s.timings);
    console.log(await s.run('id; echo $0'));
    const t1 = Date.now();
    const big = await s.run('seq 1 10000');
    console.log('big', big.stdout.split('\n').length, big.exitCode, Date.now() - t1);
    console.log(await s.run('(exit 3)'));
    const t2 = Date.now();
    const data = Buffer.alloc(20480);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
    await s.upload('/root/up.bin', data);
    console.log('upload', Date.now() - t2, (await server.exec('sha256sum /root/up.bin')).stdout);
    console.log(s.counters);
    await s.close({ logout: true });
  } catch (e) {
    console.log('ERR', e);
    console.log(s.transcript.text().slice(-3000));
    await s.close();
  }
} finally {
  await server.destroy();
}
