import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, startVirtkitd, tempRoot } from './virtkitd-harness.js';

/** The extensions libvirt's certificate checks want of a CA, a server and a client. */
const EXTENSIONS = `[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[server]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
[client]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
`;

const openssl = (dir: string, args: string[]) => execa('openssl', args, { cwd: dir });

/**
 * A CA with a server and a client certificate, placed where virtkitd --root DIR looks (DIR/pki/…)
 * and where virsh's pkipath looks (DIR/client/…).
 */
async function makePki(root: string): Promise<string> {
  const work = join(root, 'ca-work');
  const client = join(root, 'client');
  await Promise.all(
    [work, client, join(root, 'pki', 'CA'), join(root, 'pki', 'libvirt', 'private')].map((d) =>
      mkdir(d, { recursive: true }),
    ),
  );
  await writeFile(join(work, 'ext.cnf'), `[req]\ndistinguished_name=dn\n[dn]\n${EXTENSIONS}`);
  await openssl(work, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=virtkit test CA',
    '-config',
    'ext.cnf',
    '-extensions',
    'ca',
  ]);
  for (const who of ['server', 'client']) {
    await openssl(work, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      '/CN=localhost',
    ]);
    await openssl(work, [
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.pem`,
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
      '-extensions',
      who,
    ]);
  }
  const copies: [string, string][] = [
    ['ca.pem', join(root, 'pki', 'CA', 'cacert.pem')],
    ['server.pem', join(root, 'pki', 'libvirt', 'servercert.pem')],
    ['server.key', join(root, 'pki', 'libvirt', 'private', 'serverkey.pem')],
    ['ca.pem', join(client, 'cacert.pem')],
    ['client.pem', join(client, 'clientcert.pem')],
    ['client.key', join(client, 'clientkey.pem')],
  ];
  await Promise.all(copies.map(([from, to]) => copyFile(join(work, from), to)));
  return client;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('virtkitd --listen (TCP+TLS)', () => {
  let root: string;
  let clientPki: string;
  let port: number;
  let daemon: RunningVirtkitd;

  beforeAll(async () => {
    root = await tempRoot();
    clientPki = await makePki(root);
    port = await freePort();
    daemon = await startVirtkitd(root, ['--listen', '--tls-port', String(port)]);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await removeRoot(root);
  });

  it('serves virsh with a client certificate signed by its CA', async () => {
    const result = await execa(
      'virsh',
      ['-c', `test+tls://localhost:${port}/default?pkipath=${clientPki}`, 'domstate --reason test'],
      {
        reject: false,
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('running (unknown)');
  });

  it('refuses a client without a certificate', async () => {
    const emptyPki = join(root, 'no-client-cert');
    await mkdir(emptyPki);
    await copyFile(join(clientPki, 'cacert.pem'), join(emptyPki, 'cacert.pem'));
    const result = await execa(
      'virsh',
      ['-c', `test+tls://localhost:${port}/default?pkipath=${emptyPki}`, 'list'],
      {
        reject: false,
        timeout: 30_000,
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: failed to connect to the hypervisor');
  });
});
