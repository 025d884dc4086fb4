import { existsSync } from 'node:fs';

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * libvirt's client certificate locations: `?pkipath=DIR`, else a non-root user's
 * ~/.pki/libvirt when it holds a certificate, else the system's /etc/pki.
 */
export function tlsFiles(
  pkiPath: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): TlsFiles {
  const inDir = (dir: string): TlsFiles => ({
    ca: `${dir}/cacert.pem`,
    cert: `${dir}/clientcert.pem`,
    key: `${dir}/clientkey.pem`,
  });
  if (pkiPath) return inDir(pkiPath);
  const userDir = env.HOME ? `${env.HOME}/.pki/libvirt` : undefined;
  if (process.getuid?.() !== 0 && userDir && existsSync(`${userDir}/clientcert.pem`)) {
    return inDir(userDir);
  }
  return {
    ca: '/etc/pki/CA/cacert.pem',
    cert: '/etc/pki/libvirt/clientcert.pem',
    key: '/etc/pki/libvirt/private/clientkey.pem',
  };
}
