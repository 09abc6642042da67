// Types of scripts/prebuild.mjs for its test (test/scripts/prebuild.test.ts).
import type { Target } from './platform.cjs';

export interface PlatformManifest {
  name: string;
  version: string;
  description: string;
  os: string[];
  cpu: string[];
  libc?: string[];
  main: string;
  files: string[];
  [key: string]: unknown;
}
export declare function platformManifest(hybridrt: Record<string, unknown>, target: Target, files: string[]): PlatformManifest;
export declare function writePlatformPackage(options?: { root?: string; buildDir?: string; outDir?: string; target?: Target }): string;
