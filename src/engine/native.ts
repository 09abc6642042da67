/**
 * The native addon (hybridrt.node: a build from source in build/Release/, or the prebuilt
 * platform package's): its loader and the typed interface of everything it exports. Errors
 * thrown or rejected by the addon carry a `code` (PLAN, INPUT, NATIVE, DISPOSED, BACKEND);
 * engine.ts turns them into HybridErrors. Most code should use engine.ts; this file is the raw
 * contract with native/src/napi/addon.cc and napi_engine.cc.
 */
import { PACKAGE_ROOT, VERSION } from '../version.js';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HybridError } from '../errors.js';
import type { TypedArray } from '../onnx/dtype.js';
import type { BuildConfig, BuildSwitch } from './build-config.js';
import type { EngineDType, NetworkDefinition } from './network.js';

export interface NativeTensorInfo {
  name: string;
  dtype: EngineDType;
  shape: number[];
  /** An output whose size depends on the data (NonZero's, NMS's): `shape` is its bound, and this dim is each run's count (a context's outputShapes). */
  dataDependentDim?: number;
}

export interface NativeLayerInfo {
  name: string;
  kind: string;
  /**
   * The implementation the backend chose (recorded in plans), e.g. 'im2col_gemm'; 'constant'
   * for constants, and 'alias' for a shuffle whose output is its input's bytes (a reshape,
   * squeeze or flatten: native/src/builder/alias.h), which shares its input's arena block and launches
   * nothing (0 ms in a per-layer profile).
   */
  tactic: string;
  /** Milliseconds the tactic took when the build timed it (absent: not timed, or a loaded plan). */
  tacticMs?: number;
  /**
   * Precision the layer computes in: 'fp32', 'fp16' or 'bf16' for float layers (reduced only
   * where the build allowed it), else its output's dtype name (e.g. 'int64').
   */
  precision: string;
  /**
   * Why a layer of a reduced-precision engine stays fp32 ('kept fp32: exp overflows fp16 for
   * inputs above 11'), or what an inserted layer is for ('inserted: precision conversion').
   */
  precisionNote?: string;
  /** Layers of the network the builder's fusion pass merged into this one (their names). */
  fusedFrom?: string[];
  /** 'nhwc' where the layout pass made the layer channels-last. */
  layout?: string;
  /**
   * A convolution or matmul that reads a dequantize and stays float: why, as the builder's qdq
   * pass says (native/layers/quant_form.h kNotInt8). `by`: 'backend' where the backend's int8
   * kernels do not take the layer (qdq_fusion.h Int8KernelsOf), 'pass' where the pass does not
   * fold its form.
   */
  notInt8?: { by: 'backend' | 'pass'; reason: string };
}

/** What the build did (native/src/engine/engine.h BuildStats). */
export interface NativeBuildInfo {
  /** Milliseconds the build took: rewrites, weights, kernels, tactic timing (0 for a deserialized engine). */
  ms: number;
  /** Layers merged by each fusion pattern (native/src/builder/fusion.h); zeros for a deserialized engine. */
  fusions: { attention: number; silu: number; matmulBias: number; activation: number; residual: number; excite: number; pointwise: number };
  /** Layers that run channels-last, and the layout changes inserted (native/src/builder/layout.h). */
  nhwcLayers: number;
  layoutTransposes: number;
  /**
   * Convolutions and matmuls the qdq pass made int8 (native/src/builder/qdq_fusion.h), and the
   * quantize layers it folded into their epilogues; zeros for a deserialized engine.
   */
  int8Layers: number;
  quantizeFolded: number;
  /** The timing cache the build used: tactics found there (hits) and timed (misses). */
  timingCache?: { path: string; hits: number; misses: number };
}

export interface NativeEngineInfo {
  name: string;
  backend: string;
  deviceArch: string;
  threads: number;
  /** The device ordinal the engine runs on (cuda; 0 on cpu). */
  device: number;
  planFormatVersion: number;
  networkFormatVersion: number;
  inputs: NativeTensorInfo[];
  outputs: NativeTensorInfo[];
  layers: NativeLayerInfo[];
  /** Each input's shape range (a dynamic engine; absent: static at `inputs`' shapes, its opt). */
  ranges?: Array<{ min: number[]; max: number[] }>;
  /** Per-shape instances made by runs since the build, when info() was called (a dynamic engine only). */
  instancesMade?: number;
  build: NativeBuildInfo;
  memory: {
    /** Bytes of one context's activation arena after packing lifetimes. */
    arenaBytes: number;
    /**
     * What the activations would take without reuse (sum of aligned sizes); an alias (a
     * reshape sharing its input's bytes) adds nothing.
     */
    activationBytes: number;
    /** Scratch per context, shared by layers (they run one after another). */
    workspaceBytes: number;
    /** Weights held by the engine (once, whatever the number of contexts). */
    weightBytes: number;
    /** The arena a context allocates: the largest of the declared, min and max shapes' needs. */
    maxArenaBytes: number;
  };
}

/**
 * A tensor in a backend's memory (native/src/napi/napi_device_tensor.h): what a run leaves on the
 * device with outputLocation 'device', or toDevice() uploads. Another engine's run takes it as
 * an input without a copy through the host. Freed by dispose() or garbage collection; a run
 * using it keeps it alive until the run ends.
 */
export interface NativeDeviceTensor {
  readonly dtype: EngineDType;
  readonly shape: number[];
  readonly bytes: number;
  /** 'cuda' (or 'cpu', whose device memory is host memory). */
  readonly backend: string;
  readonly disposed: boolean;
  /** Copies the tensor to a new typed array of its dtype's storage. */
  download(): Promise<TypedArray>;
  dispose(): void;
}

/** Where a run leaves its outputs: every output, or one location per output. */
export type NativeOutputLocation = 'host' | 'device' | Array<'host' | 'device'>;

/**
 * What a run measures (native/src/engine/context.h): 'off'; 'coarse', timestamps in stream order
 * (CUDA events on cuda) around the input copies, the layers and the output copies; 'layers',
 * around every layer too (a per-layer profile).
 */
export type NativeTimingMode = 'off' | 'coarse' | 'layers';

/** The last run's timing (milliseconds), where it ran with timing on. */
export interface NativeRunTiming {
  hostToDeviceMs: number;
  /** The layers, from the first to the last (GPU time on cuda). */
  computeMs: number;
  deviceToHostMs: number;
  totalMs: number;
  /** Per layer, in engine.info().layers order (0 for layers that did not run); 'layers' mode only. */
  layers?: Float64Array;
}

/** Copies the last run of a context made (host<->device through pinned staging, device-to-device). */
export interface NativeTransfers {
  hostToDeviceBytes: number;
  hostToDeviceCount: number;
  deviceToHostBytes: number;
  deviceToHostCount: number;
  deviceToDeviceBytes: number;
  deviceToDeviceCount: number;
}

export interface NativeContext {
  /**
   * Runs the engine off the JS thread; inputs in binding order, typed arrays of each input's
   * dtype storage or device tensors of the engine's backend. Outputs are typed arrays, or
   * device tensors where `outputLocation` says 'device'.
   */
  run(
    inputs: Array<TypedArray | NativeDeviceTensor>,
    options?: { outputLocation?: NativeOutputLocation; timing?: NativeTimingMode; shapes?: number[][] },
  ): Promise<Array<TypedArray | NativeDeviceTensor>>;
  /** run() on the calling thread: the same checks and outputs, returned; errors are thrown. */
  runSync(
    inputs: Array<TypedArray | NativeDeviceTensor>,
    options?: { outputLocation?: NativeOutputLocation; timing?: NativeTimingMode; shapes?: number[][] },
  ): Array<TypedArray | NativeDeviceTensor>;
  /** Milliseconds the last run took on its thread (the layers and taking the outputs), either way it ran. */
  readonly runMs: number;
  /** Each output's shape in the last run. */
  readonly outputShapes: number[][];
  /** Milliseconds the last run spent preparing the engine for shapes it met first (0: none). */
  readonly prepareMs: number;
  /** Copies made by the last run. */
  readonly transfers: NativeTransfers;
  /** The last run's timing, or null when it ran without. */
  readonly timing: NativeRunTiming | null;
  /**
   * CUDA graph of this context: 'off' (none on this backend, or HYBRIDRT_CUDA_GRAPHS=0),
   * 'warm-up' (before the first run), 'ready' (the next run captures), 'captured', or
   * 'failed: <why>' (the context runs eagerly).
   */
  readonly graph: string;
  /** Operations (kernels, copies) in the captured graph; 0 before capture. */
  readonly graphNodes: number;
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
  /** Devices of this backend on the machine (cpu: 1; cuda: GPUs, 0 where none is usable). */
  devices: number;
  /** Why the backend cannot run here (absent when available). */
  reason?: string;
}

/**
 * What the binding reads (native/src/napi/napi_engine.cc ReadBuildConfig): BuildConfig's pass
 * switches (BUILD_SWITCHES), threads, device and timing cache under its names, and the names
 * the binding checks itself.
 */
export type NativeBuildConfig = Partial<Pick<BuildConfig, BuildSwitch | 'threads' | 'device' | 'timingCachePath'>> & {
  backend?: string;
  /** fp16 or bf16 here lets float layers run in that type (fp16 where both are listed). */
  precisions?: string[];
  /**
   * Test hook: the int8 kernel table ('cpu', 'cuda') the qdq pass folds by instead of the
   * backend's (native/src/builder/build_config.h int8_kernels), e.g. cuda's on the cpu backend.
   */
  int8Kernels?: string;
};

export interface NativeAddon {
  version(): string;
  /** Backends compiled into this addon. */
  backends(): string[];
  /** Device `device` (an ordinal, default 0) of the backend. */
  deviceQuery(backend: string, device?: number): NativeDeviceStatus;
  buildEngine(network: NetworkDefinition, config?: NativeBuildConfig): Promise<NativeEngine>;
  deserializeEngine(bytes: Uint8Array, options?: { threads?: number; device?: number }, lent?: boolean): Promise<NativeEngine>;
  /** Uploads a typed array of dtype's storage to the backend's memory. */
  toDevice(backend: string, data: TypedArray, dtype: EngineDType, shape: number[]): Promise<NativeDeviceTensor>;
  /**
   * One layer's output dtypes and shapes by the rules networks are validated with
   * (layer-outputs.ts); throws naming the layer when they refuse it.
   */
  inferLayer(layer: {
    kind: string;
    name: string;
    params: Record<string, unknown>;
    inputs: ReadonlyArray<{ dtype: EngineDType; shape: readonly number[] }>;
    outputs?: ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }>;
  }): Array<{ dtype: EngineDType; shape: number[] }>;
  /**
   * Every tensor's shape (by tensor id) at other input shapes, as a dynamic engine built from
   * `network` derives them at run time (native/src/ir/derive_shapes.h).
   */
  deriveShapes(network: NetworkDefinition, inputShapes: readonly (readonly number[])[]): number[][];
  /** The environment switches the addon reads (native/src/util/env_switches.h), as one canonical line. */
  envSwitches(): string;
  readonly planFormatVersion: number;
  readonly networkFormatVersion: number;
}

// scripts/platform.cjs, the one authority for the platform package's name and the build
// command (the install step and the prebuild script use it too). Required from the package root
// at run time: this file runs from src/ (tsx, vitest) or dist/src/ (compiled), at two depths.
const platform = createRequire(import.meta.url)(path.join(PACKAGE_ROOT, 'scripts', 'platform.cjs')) as typeof import('../../scripts/platform.cjs');

let packageName: string | undefined;
/** This machine's platform package, '@hybridrt/linux-x64-gnu' and the like (computed once). */
export function platformPackage(): string {
  return (packageName ??= platform.platformPackageName());
}

/** Where a build from source puts the addon: build/Release/hybridrt.node of this package. */
export function localBuildPath(root: string = PACKAGE_ROOT): string {
  return path.join(root, 'build', 'Release', platform.ADDON_FILE);
}

/**
 * The addon's path, in the loader's order: $HYBRIDRT_NATIVE; else a build from source
 * (build/Release/hybridrt.node), where there is one; else the addon of the platform package
 * (@hybridrt/linux-x64-gnu and the like, an optional dependency of hybridrt); else the build's
 * path, which does not exist (loadNative's message then says what to do).
 * NOTE: a build from source comes before the platform package because it exists only where
 * someone made it: a checkout (whose tests must run its own code, even where npm installed a
 * published platform package into its node_modules), or an installed package built with
 * `npm rebuild hybridrt --build-from-source` (the install step builds nothing where the platform
 * package is there), which asks for exactly that build.
 */
export function nativeAddonPath(): string {
  if (process.env.HYBRIDRT_NATIVE) return path.resolve(process.env.HYBRIDRT_NATIVE);
  const local = localBuildPath();
  if (fs.existsSync(local)) return local;
  return platform.platformAddonPath(PACKAGE_ROOT, platformPackage()) ?? local;
}

/**
 * Whether `root` is a development checkout of hybridrt rather than the installed package
 * (scripts/platform.cjs isCheckout: a .git or test/ folder, which the published package has not).
 */
export function isCheckout(root: string = PACKAGE_ROOT): boolean {
  return platform.isCheckout(root);
}

/**
 * How a user builds the addon, for messages: `npm run build:native` in a checkout; in an
 * installed package, `npm rebuild hybridrt --build-from-source` from the project that depends on
 * it, or the build script itself (which npm's install-script policy cannot block), by its path
 * from `cwd`.
 */
export function nativeBuildHint(root: string = PACKAGE_ROOT, cwd: string = process.cwd()): string {
  if (isCheckout(root)) return 'run `npm run build:native`';
  let script = path.relative(cwd, path.join(root, 'scripts', 'build-native.mjs'));
  if (path.isAbsolute(script)) script = path.join(root, 'scripts', 'build-native.mjs');
  return `install cmake and a C++17 compiler, then run \`${platform.REBUILD_COMMAND}\` (or \`node ${script.split(path.sep).join('/')}\`)`;
}

/** Why no addon can be had, with what to do about it: the message of loadNative's NATIVE error. */
function unavailableMessage(file: string, loadError?: Error): string {
  if (loadError) return `native addon ${file} failed to load (${loadError.message}): rebuild it: ${nativeBuildHint()}`;
  if (process.env.HYBRIDRT_NATIVE) {
    return `native addon not found at ${file} (HYBRIDRT_NATIVE names it): point HYBRIDRT_NATIVE to a built hybridrt.node, or unset it`;
  }
  if (isCheckout()) return `native addon not found at ${file}: ${nativeBuildHint()}`;
  const pkg = platformPackage();
  return (
    `native addon not found: the prebuilt addon for this platform (${pkg}) is not installed, and there is no build from source at ${file}: ` +
    `install the prebuilt addon (\`npm install ${pkg}@${VERSION}\`, where one is published for this platform), or ${nativeBuildHint()}`
  );
}

let cached: NativeAddon | undefined;
let loadedFile: string | undefined;
let loadedStat: fs.Stats | undefined;

/**
 * The native code this process runs, for fingerprints of the code (the engine cache): the
 * bytes of the addon it loaded, then those of the cuda backend plugin beside it where there is
 * one. Refused (NATIVE) where the addon changed on disk since it was loaded, because then they
 * would describe another build than the one running.
 */
export function loadedAddonBytes(): Uint8Array {
  loadNative();
  const file = loadedFile!;
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st || !loadedStat || st.size !== loadedStat.size || st.mtimeMs !== loadedStat.mtimeMs || st.ino !== loadedStat.ino) {
    throw new HybridError(
      'NATIVE',
      `the native addon ${file} changed on disk since this process loaded it; restart the process to use the new build`,
    );
  }
  const plugin = path.join(path.dirname(file), platform.CUDA_PLUGIN_FILE);
  const parts = [fs.readFileSync(file)];
  if (fs.existsSync(plugin)) parts.push(fs.readFileSync(plugin));
  return Buffer.concat(parts);
}

/** Loads the addon once; a missing or unloadable addon is HybridError('NATIVE'). */
export function loadNative(): NativeAddon {
  if (cached) return cached;
  const file = nativeAddonPath();
  if (!fs.existsSync(file)) {
    throw new HybridError('NATIVE', unavailableMessage(file));
  }
  try {
    loadedStat = fs.statSync(file);
    cached = createRequire(import.meta.url)(file) as NativeAddon;
    loadedFile = file;
  } catch (e) {
    throw new HybridError('NATIVE', unavailableMessage(file, e as Error), { cause: e });
  }
  return cached;
}

/** Whether the addon can be loaded (compile()'s backend choice; tests that skip without it). */
export function nativeAvailable(): boolean {
  return nativeUnavailableReason() === undefined;
}

/** Why the addon cannot be loaded and how to build it (loadNative's message), or undefined where it loads. */
export function nativeUnavailableReason(): string | undefined {
  try {
    loadNative();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
