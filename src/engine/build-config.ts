/**
 * What buildEngine() takes besides the network (engine.ts): the backend, the precisions the
 * builder may use, and the builder passes' switches, each read once by the addon's binding
 * (native/src/builder/build_config.h), which falls back to the HYBRIDRT_* environment switches
 * where a field is absent (docs/cuda.md).
 */
import type { Precision } from './precision.js';

export interface BuildConfig {
  backend: 'cpu' | 'cuda';
  /** Allowed precisions; fp32 is always allowed. */
  precisions: Precision[];
  /**
   * Timing cache file: the tactics chosen per (layer signature, device), read before a build
   * and updated after it, so that later builds take them without timing them again.
   */
  timingCachePath?: string;
  /** The builder's fusion pass (native/src/builder/fusion.h); default: on (both backends). */
  fusion?: boolean;
  /** Channels-last layouts for fp16/bf16 convolutions (native/src/builder/layout.h); default: on for cuda. */
  layout?: boolean;
  /**
   * Byte-view shuffles (reshapes) share their input's arena bytes and launch nothing
   * (native/src/builder/alias.h); default on. Off: each copies into a block of its own.
   */
  alias?: boolean;
  /**
   * Chains of elementwise, unary and cast layers as one `pointwise` layer each
   * (native/src/builder/pointwise_fusion.h; on cuda a kernel NVRTC compiles); default: as `fusion`.
   */
  pointwise?: boolean;
  /**
   * The attention chain (matmul, scale, mask add, softmax, matmul) as one `attention` layer
   * (native/src/builder/attention_fusion.h), where the fusion pass runs (so `fusion: false`
   * turns it off too); default on. Attention layers that converters emit are not affected.
   */
  attention?: boolean;
  /**
   * Q/DQ around convolutions and matrix products folded into int8 layers
   * (native/src/builder/qdq_fusion.h), where the backend has int8 kernels (cpu, cuda); default on.
   */
  qdq?: boolean;
  /** Worker threads for the cpu backend (default: available cores). */
  threads?: number;
  /** The GPU (cuda device ordinal) the engine is built and runs on (default 0; cpu: 0 only). device.ts. */
  device?: number;
}

/** The boolean keys of BuildConfig: the builder passes' switches. */
type SwitchKey = { [K in keyof BuildConfig]-?: NonNullable<BuildConfig[K]> extends boolean ? K : never }[keyof BuildConfig];

/**
 * The builder passes' switches, the one list that buildEngine checks and hands to the addon
 * (which reads each under the same name: native/src/napi/napi_engine.cc ReadBuildConfig). A
 * boolean added to BuildConfig and not here fails the type check below.
 */
export const BUILD_SWITCHES = ['fusion', 'layout', 'alias', 'pointwise', 'attention', 'qdq'] as const satisfies readonly SwitchKey[];
export type BuildSwitch = (typeof BUILD_SWITCHES)[number];
type Unlisted = Exclude<SwitchKey, BuildSwitch>;
// Compile-time: every switch is listed (Unlisted must be never).
const everySwitchListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everySwitchListed;
