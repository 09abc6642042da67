// Types of scripts/platform.cjs (the loader, the install step and their tests use them).
export interface Target {
  platform: NodeJS.Platform;
  arch: string;
  libc?: 'glibc' | 'musl';
}
export declare const SCOPE: string;
export declare const ADDON_FILE: string;
export declare const CUDA_PLUGIN_FILE: string;
export declare const REBUILD_COMMAND: string;
export declare function isCheckout(root: string): boolean;
export declare function detectLibc(platform?: NodeJS.Platform): 'glibc' | 'musl' | undefined;
export declare function currentTarget(): Target;
export declare function platformPackageName(target?: Target): string;
export declare function platformAddonPath(fromDir: string, name?: string): string | undefined;
