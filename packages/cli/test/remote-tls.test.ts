import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from './free-port.js';
import { locateVirsh, locateVirtkit, runTool } from './side-by-side/tools.js';

// A CA, a server certificate for localhost and a client certificate, in the layouts virtkitd
// (--root DIR: DIR/pki/…) and the client (?pkipath=DIR) read.
const root = mkdtempSync(join(tmpdir(), 'virtkit-tls-'));
const clientPki = join(root, 'client');
let daemon: ResultPromise | undefined;
let port: number;

async function openssl(...args: string[]) {
  await execa('openssl', args, { cwd: root });
}

async function makeCertificates() {
  for (const sub of ['pki/CA', 'pki/libvirt/private', 'client'])
    mkdirSync(join(root, sub), { recursive: true });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=virtkit test CA',
    '-keyout',
    'ca.key',
    '-out',
    'pki/CA/cacert.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const sign = async (name: string, key: string, cert: string, usage: string, san: string) => {
    writeFileSync(
      join(root, `${name}.ext`),
      `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n${san}`,
    );
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      key,
      '-out',
      `${name}.csr`,
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'pki/CA/cacert.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      cert,
      '-extfile',
      `${name}.ext`,
    );
  };
  await sign(
    'localhost',
    'pki/libvirt/private/serverkey.pem',
    'pki/libvirt/servercert.pem',
    'serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  await sign('client', 'client/clientkey.pem', 'client/clientcert.pem', 'clientAuth', '');
  await openssl('x509', '-in', 'pki/CA/cacert.pem', '-out', 'client/cacert.pem');
}

beforeAll(async () => {
  await makeCertificates();
  port = await freePort();
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('@virtkit/daemon')),
    '..',
    'bin',
    'virtkitd.js',
  );
  daemon = execa(process.execPath, [bin, '--root', root, '--listen', '--tls-port', String(port)], {
    reject: false,
  });
  // Listening once a client gets through.
  for (let tries = 0; tries < 100; tries++) {
    const run = await runTool(
      locateVirtkit(),
      ['-c', `test+tls://localhost:${port}/default?pkipath=${clientPki}`, 'uri'],
      { cwd: root },
    );
    if (run.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 30_000);

afterAll(async () => {
  daemon?.kill('SIGTERM');
  await daemon;
  rmSync(root, { recursive: true, force: true });
});

describe('the TLS transport with client certificates', () => {
  test.each(['list --all; uri', 'domstate --reason test; dumpxml test'])(
    'virtkit and virsh print the same for %s',
    async (commands) => {
      const args = ['-c', `test+tls://localhost:${port}/default?pkipath=${clientPki}`, commands];
      const [ours, theirs] = await Promise.all(
        [locateVirtkit(), locateVirsh()].map((tool) => runTool(tool, args, { cwd: root })),
      );
      expect(ours).toMatchObject({ exitCode: 0 });
      expect(ours).toEqual(theirs);
    },
  );
});
