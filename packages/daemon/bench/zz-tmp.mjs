import { createConnection } from 'node:net';
import * as R from '@virtkit/remote';

const H = (o) => ({ prog: R.REMOTE_PROGRAM, vers: 1, proc: 59, type: 0, serial: 0, status: 0, ...o });
for (const path of ['/run/libvirt/libvirt-sock', process.argv[2]].filter(Boolean)) {
  const s = createConnection(path);
  const dec = new R.PacketDecoder();
  const got = [];
  s.on('data', (c) => {
    for (const p of dec.push(c)) got.push(p);
  });
  await new Promise((r) => s.once('connect', r));
  const send = (h, b) => s.write(R.encodePacket(H(h), b));
  const pause = () => new Promise((r) => setTimeout(r, 200));
  send({ proc: 66, serial: 100 });
  await pause();
  send({ serial: 1 });
  await pause();
  send({ serial: 2, prog: 0x12345678 });
  await pause();
  send({ serial: 3, vers: 2 });
  await pause();
  send({ serial: 4, proc: 99999 });
  await pause();
  send({ serial: 5, status: 1 });
  await pause();
  send({ serial: 6, proc: 1 }, Uint8Array.of(0, 0, 0, 1));
  await pause();
  send({ serial: 7, type: 2 });
  await pause();
  send({ serial: 8, type: 3 });
  await pause();
  send(
    { serial: 9, type: 0, proc: 1 },
    R.encodeXdr(R.RemoteConnectOpenArgs, { name: 'test:///default', flags: 0 }),
  );
  await pause();
  send({ serial: 10, proc: 122 }, new Uint8Array(8));
  await pause();
  send({ serial: 11, proc: 59 });
  await pause();
  send({ serial: 12, proc: 59 }, new Uint8Array(8));
  await pause();
  console.log(path);
  for (const p of got) {
    const e = p.header.status === 1 ? R.decodeXdr(R.RemoteError, p.body) : undefined;
    console.log(
      ' ',
      p.header.serial,
      p.header.type,
      p.header.status,
      p.header.prog.toString(16),
      p.header.proc,
      e ? `${e.code}/${e.domain} ${e.message}` : '',
    );
  }
  s.destroy();
}
