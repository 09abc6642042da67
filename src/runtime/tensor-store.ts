/**
 * The tensor store of one run: every value that crosses a segment boundary, by name, from the
 * moment its producer stores it until the schedule says it is dead (release()).
 *
 * A value may be host-resident (a TensorData over a typed array), device-resident (a
 * DeviceTensor owned by a GPU backend), or both once a device value has been downloaded for a
 * host reader: the download happens once per run and is counted; the device copy stays for
 * device readers. Releasing a value drops the host array and disposes the device tensor.
 * The cpu backend only ever stores host tensors; the cuda backend's engine segments leave the
 * values that `deviceValues` names (those another engine segment reads, and the outputs of a
 * run with outputLocation 'gpu') on the device. A value the store does not own (a caller's
 * device tensor fed as an input) is never disposed by it; take() hands a value to the caller.
 */
import { HybridError } from '../errors.js';
import { DTYPE_SIZE, type NumericDType } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import type { CopyKind } from './types.js';

/** A tensor in GPU memory, as a GPU backend hands it over. */
export interface DeviceTensor {
  readonly dtype: NumericDType;
  readonly dims: readonly number[];
  readonly bytes: number;
  /** Copies the tensor to host memory. */
  download(): Promise<TensorData>;
  /** Frees the device memory (idempotent). */
  dispose(): void;
}

interface Entry {
  host?: TensorData;
  device?: DeviceTensor;
  /** The device tensor belongs to the caller: release() must not dispose it. */
  borrowed?: boolean;
  bytes: number;
}

/** Bytes of a host tensor's data. */
export function tensorBytes(t: { dtype: NumericDType; dims: readonly number[] }): number {
  let n = DTYPE_SIZE[t.dtype];
  for (const d of t.dims) n *= d;
  return n;
}

export class TensorStore {
  private readonly entries = new Map<string, Entry>();
  /** Values engine segments should leave on the device (cuda). */
  private readonly deviceValues: ReadonlySet<string>;

  constructor(options: { deviceValues?: ReadonlySet<string> } = {}) {
    this.deviceValues = options.deviceValues ?? new Set();
  }

  /** Whether the producer of `name` should keep it on the device (a cuda engine segment). */
  wantsDevice(name: string): boolean {
    return this.deviceValues.has(name);
  }
  private held = 0;
  private peak = 0;
  /** Device-to-host downloads made by host() (count and bytes). */
  readonly downloads = { count: 0, bytes: 0 };

  putHost(name: string, tensor: TensorData): void {
    this.put(name, { host: tensor, bytes: tensorBytes(tensor) });
  }

  /** A device value; `borrowed` when the caller owns it (the store never disposes it). */
  putDevice(name: string, tensor: DeviceTensor, options: { borrowed?: boolean } = {}): void {
    this.put(name, { device: tensor, bytes: tensor.bytes, ...(options.borrowed ? { borrowed: true } : {}) });
  }

  /**
   * Removes a value without freeing it and returns it: the caller owns the device tensor now
   * (a model output returned on the device). A borrowed tensor is returned as is.
   */
  take(name: string): { host?: TensorData; device?: DeviceTensor } {
    const e = this.entry(name);
    this.entries.delete(name);
    this.held -= e.bytes;
    return { ...(e.host ? { host: e.host } : {}), ...(e.device ? { device: e.device } : {}) };
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Where a value lives now ('device' when a device copy exists). */
  location(name: string): 'host' | 'device' {
    return this.entry(name).device ? 'device' : 'host';
  }

  bytes(name: string): number {
    return this.entry(name).bytes;
  }

  /** A value's dims wherever it lives; undefined where the store does not hold it. */
  dims(name: string): readonly number[] | undefined {
    const e = this.entries.get(name);
    return e?.host?.dims ?? e?.device?.dims;
  }

  /** The device tensor of a device-resident value, if it has one. */
  device(name: string): DeviceTensor | undefined {
    return this.entry(name).device;
  }

  /** The value's host tensor where it has one now (no download; host() makes one). */
  hostNow(name: string): TensorData | undefined {
    return this.entry(name).host;
  }

  /** The value on the host, downloading a device value once; says what that cost. */
  async host(name: string): Promise<{ tensor: TensorData; copy: CopyKind }> {
    const e = this.entry(name);
    if (e.host) return { tensor: e.host, copy: 'none' };
    e.host = await e.device!.download();
    this.downloads.count++;
    this.downloads.bytes += e.bytes;
    return { tensor: e.host, copy: 'device-to-host' };
  }

  /** Frees values: host arrays are dropped, device tensors disposed. Unknown names are ignored. */
  release(names: Iterable<string>): void {
    for (const name of names) {
      const e = this.entries.get(name);
      if (!e) continue;
      if (!e.borrowed) e.device?.dispose();
      this.held -= e.bytes;
      this.entries.delete(name);
    }
  }

  /** Frees everything still held (the end of a run, or a run that failed half-way). */
  clear(): void {
    this.release([...this.entries.keys()]);
  }

  /** Values still held. */
  get size(): number {
    return this.entries.size;
  }

  get peakBytes(): number {
    return this.peak;
  }

  private put(name: string, entry: Entry): void {
    if (this.entries.has(name)) throw new HybridError('MODEL_INVALID', `value '${name}' was stored twice in one run`);
    this.entries.set(name, entry);
    this.held += entry.bytes;
    this.peak = Math.max(this.peak, this.held);
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    // The schedule guarantees a value exists when read; reaching this is a scheduling bug.
    if (!e) throw new Error(`tensor store: value '${name}' is not held (freed too early or never produced)`);
    return e;
  }
}
