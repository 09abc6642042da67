// Types of scripts/build-native.mjs for its test (test/scripts/build-native.test.ts).
import type { SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';

type Env = Record<string, string | undefined>;

export declare const REBUILD_COMMAND: string;
export declare function installMode(env?: Env, root?: string): { mode: 'strict' | 'graceful'; why: string };
export declare function findOnPath(name: string, env?: Env, platform?: NodeJS.Platform): string | undefined;
export declare function missingTools(env?: Env, platform?: NodeJS.Platform): string[];
export declare function notice(failure: string, pkg?: string): string[];
export declare function buildFromSourceRequested(env?: Env): boolean;
export declare function prebuiltAddon(env?: Env, root?: string, find?: (root: string) => string | undefined): string | undefined;
export declare function buildNative(options?: {
  env?: Env;
  root?: string;
  platform?: NodeJS.Platform;
  run?: (command: string, args: string[], options: SpawnSyncOptions) => Pick<SpawnSyncReturns<Buffer>, 'status' | 'signal' | 'error'>;
  resolve?: (id: string) => string;
  print?: (line: string) => void;
  findPrebuilt?: (root: string) => string | undefined;
}): number;
