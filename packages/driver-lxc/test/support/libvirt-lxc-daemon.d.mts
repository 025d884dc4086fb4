// Types of libvirt-lxc-daemon.mjs (plain ESM so the bench can share it).
export declare const ORACLE_DIR: string;
export declare const ORACLE_URI: string;
export declare const oraclePaths: {
  readonly socket: string;
  readonly pidFile: string;
  readonly daemonLog: string;
  readonly containerLogDir: string;
};
export interface VirshResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}
export declare function virsh(
  args: readonly string[],
  options?: { timeoutMs?: number },
): Promise<VirshResult>;
export declare function cgroupLayout(): { kind: 'v1' | 'v2' | 'hybrid'; hide: string[] };
export type OracleResult =
  | {
      readonly ok: true;
      readonly uri: string;
      readonly pid: number | undefined;
      readonly cgroupLayout: 'v1' | 'v2' | 'hybrid';
      readonly containerLogDir: string;
    }
  | { readonly ok: false; readonly reason: string };
export declare function ensureOracle(options?: { probeRootfs?: string }): Promise<OracleResult>;
export declare function stopOracle(options?: { force?: boolean }): Promise<void>;
