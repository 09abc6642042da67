/**
 * The native addon (build/Release/hybridrt.node): its loader and the typed interface of
 * everything it exports. Errors thrown or rejected by the addon carry a `code` (PLAN, INPUT,
 * NATIVE, DISPOSED, BACKEND); engine.ts turns them into HybridErrors. Most code should use
 * engine.ts; this file is the raw contract with native/src/addon.cc and napi_engine.cc.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HybridError } from '../errors.js';
import type { TypedArray } from '../onnx/dtype.js';
import type { EngineDType, NetworkDefinition } from './network.js';

export interface NativeTensorInfo {
  name: string;
  dtype: EngineDType;
  shape: number[];
}

export interface NativeLayerInfo {
  name: string;
  kind: string;
  /** The implementation the backend chose (recorded in plans), e.g. 'im2col_gemm'. */
  tactic: string;
  /** Precision the layer computes in ('fp32' on the cpu backend). */
  precision: string;
}

export interface NativeEngineInfo {
  name: string;
  backend: string;
  deviceArch: string;
  threads: number;
  planFormatVersion: number;
  networkFormatVersion: number;
  inputs: NativeTensorInfo[];
  outputs: NativeTensorInfo[];
  layers: NativeLayerInfo[];
  memory: {
    /** Bytes of one context's activation arena after packing lifetimes. */
    arenaBytes: number;
    /** What the activations would take without reuse (sum of aligned sizes). */
    activationBytes: number;
    /** Scratch per context, shared by layers (they run one after another). */
    workspaceBytes: number;
    /** Weights held by the engine (once, whatever the number of contexts). */
    weightBytes: number;
  };
}

export interface NativeContext {
  /** Runs the engine off the JS thread; inputs in binding order, typed arrays of each input's dtype storage. */
  run(inputs: TypedArray[]): Promise<TypedArray[]>;
  dispose(): void;
  readonly busy: boolean;
  readonly disposed: boolean;
}

export interface NativeEngine {
  serialize(): Uint8Array;
  createContext(): NativeContext;
  info(): NativeEngineInfo;
  dispose(): void;
  readonly disposed: boolean;
}

export interface NativeDeviceStatus {
  backend: string;
  available: boolean;
  arch: string;
  description: string;
  /** Why the backend cannot run here (absent when available). */
  reason?: string;
}

export interface NativeBuildConfig {
  backend?: string;
  threads?: number;
}

export interface NativeAddon {
  version(): string;
  /** Backends compiled into this addon. */
  backends(): string[];
  deviceQuery(backend: string): NativeDeviceStatus;
  buildEngine(network: NetworkDefinition, config?: NativeBuildConfig): Promise<NativeEngine>;
  deserializeEngine(bytes: Uint8Array, options?: { threads?: number }): Promise<NativeEngine>;
  readonly planFormatVersion: number;
  readonly networkFormatVersion: number;
}

/** The addon's path: $HYBRIDRT_NATIVE, else build/Release/hybridrt.node of this package. */
export function nativeAddonPath(): string {
  if (process.env.HYBRIDRT_NATIVE) return path.resolve(process.env.HYBRIDRT_NATIVE);
  // This file runs from src/engine (tsx, vitest) or dist/src/engine (compiled): walk up to
  // the package root rather than counting levels.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'hybridrt') break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(dir, 'build', 'Release', 'hybridrt.node');
}

let cached: NativeAddon | undefined;

/** Loads the addon once; a missing or unloadable addon is HybridError('NATIVE'). */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  const file = nativeAddonPath();
  if (!fs.existsSync(file)) {
    throw new HybridError('NATIVE', `native addon not found at ${file}: run \`npm run build:native\``);
  }
  try {
    cached = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    throw new HybridError('NATIVE', `native addon ${file} failed to load (${(e as Error).message}): run \`npm run build:native\``, {
      cause: e,
    });
  }
  return cached;
}

/** Whether the addon can be loaded (for tests that skip without it). */
export function nativeAvailable(): boolean {
  try {
    loadNative();
    return true;
  } catch {
    return false;
  }
}
