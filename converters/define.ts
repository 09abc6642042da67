/**
 * defineConverter: builds a Converter from a `plan` (reads the node through a NodeView,
 * rejects what engines cannot do exactly, resolves every param) and an `emit` (turns the plan
 * into layers through an Emitter). validate = plan succeeds; convert = plan + emit. Support
 * and conversion therefore share one reading of the node and cannot drift apart.
 *
 * Every converter also gets the generic checks: all given inputs and outputs have a known
 * element type and a static shape, and outputs have a dtype engines hold. validate then
 * dry-runs `emit` into a scratch builder (input tensors only, no weights) so that the layers'
 * own shape rules must agree with inference: a node validate accepts is a node convert can
 * build.
 */
import { HybridError } from '../src/errors.js';
import type { Node } from '../src/ir/graph.js';
import { NetworkBuilder, type ParamsOf, type TensorRef } from '../src/engine/builder.js';
import type { EngineDType, LayerSpec } from '../src/engine/network.js';
import { allocTyped } from '../src/onnx/dtype.js';
import { float32ToBfloat16Bits, float32ToFloat16Bits } from '../src/onnx/half.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { NodeView, Rejection, isEngineDType } from './node-view.js';
import { type ConvertContext, type Converter, fitsInferred, OK, reject, type ValidateContext } from './types.js';

export interface ConverterSpec<Plan> {
  opType: string;
  /** Default '' (ai.onnx). */
  domain?: string;
  sinceVersion: number;
  /** What validate rejects, for docs/operators.md. */
  notes?: string;
  /** The outputs' sizes depend on the data (Converter.dataDependent). */
  dataDependent?: boolean;
  plan(v: NodeView): Plan;
  emit(e: Emitter, plan: Plan): void;
}

function checkIO(v: NodeView, dataDependent: boolean): void {
  v.node.inputs.forEach((name, i) => {
    if (!name) return;
    const t = v.in(i);
    // A run-time input becomes an engine tensor; a constant one may be read as parameters only.
    v.check(isEngineDType(t.dtype) || v.constant(i) !== undefined, () => `${v.inLabel(i)} has dtype ${t.dtype}, which engines do not hold`);
  });
  v.node.outputs.forEach((name, i) => {
    if (!name) return;
    // A data-dependent output's shape is symbolic: its dtype alone is checked.
    const dtype = dataDependent ? v.ctx.type(name)?.dtype : v.out(i).dtype;
    v.check(dtype !== undefined && isEngineDType(dtype), () => `${v.outLabel(i)} has dtype ${dtype}, which engines do not hold`);
  });
}

function describe(dtype: string | undefined, shape: readonly unknown[] | undefined): string {
  return `${dtype ?? '?'}[${shape ? shape.join(',') : '?'}]`;
}

/** Runs `emit` against a throw-away builder; a disagreement with inference is a Rejection. */
function dryRun<Plan>(spec: ConverterSpec<Plan>, node: Node, ctx: ValidateContext, plan: Plan): void {
  const net = new NetworkBuilder('validate');
  const bound = new Map<string, TensorRef>();
  const dry: ConvertContext = {
    ...ctx,
    input(n, i) {
      const value = n.inputs[i];
      if (!value) throw new Rejection(`input ${i} is omitted`);
      let ref = bound.get(value);
      if (!ref) {
        const t = ctx.type(value)!;
        ref = net.input(value, t.dtype as EngineDType, t.shape as number[]);
        bound.set(value, ref);
      }
      return ref;
    },
    setOutput(n, i, ref) {
      const value = n.outputs[i];
      if (!value) return;
      const t = ctx.type(value);
      const same = t?.dtype === ref.dtype && !!t.shape && fitsInferred(t.shape, ref.shape, spec.dataDependent === true);
      if (!same)
        throw new Rejection(`inference says output '${value}' is ${describe(t?.dtype, t?.shape)}, the layers make ${describe(ref.dtype, ref.shape)}`);
      bound.set(value, ref);
    },
  };
  try {
    spec.emit(new Emitter(node, dry, net), plan);
  } catch (e) {
    if (e instanceof HybridError) throw new Rejection(e.message);
    throw e;
  }
  const missing = node.outputs.find((o) => o && !bound.has(o));
  if (missing) throw new Rejection(`the converter does not produce output '${missing}'`);
}

export function defineConverter<Plan>(spec: ConverterSpec<Plan>): Converter {
  const { opType, sinceVersion } = spec;
  const domain = spec.domain ?? '';
  const plan = (node: Node, ctx: ValidateContext): Plan => {
    const v = new NodeView(node, ctx);
    checkIO(v, spec.dataDependent === true);
    return spec.plan(v);
  };
  return {
    opType,
    domain,
    sinceVersion,
    notes: spec.notes,
    ...(spec.dataDependent ? { dataDependent: true } : {}),
    validate(node, ctx) {
      try {
        dryRun(spec, node, ctx, plan(node, ctx));
        return OK;
      } catch (e) {
        if (e instanceof Rejection) return reject(`${opType}: ${e.message}`);
        throw e;
      }
    },
    convert(node, ctx, net) {
      let p: Plan;
      try {
        p = plan(node, ctx);
      } catch (e) {
        if (e instanceof Rejection) {
          throw new HybridError('CONVERTER', `node '${node.name}' (${opType}) cannot be converted: ${e.message}`);
        }
        throw e;
      }
      spec.emit(new Emitter(node, ctx, net), p);
    },
  };
}

type Kind = Exclude<LayerSpec['kind'], 'constant'>;
type Outputs = ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }>;

/** A constant tensor of `dtype` from plain numbers (fp16/bf16 encoded, int64 as BigInt). */
export function tensorOf(dtype: EngineDType, dims: number[], values: readonly number[]): TensorData {
  const data = allocTyped(dtype, values.length);
  values.forEach((v, i) => {
    if (data instanceof BigInt64Array) data[i] = BigInt(Math.trunc(v));
    else if (dtype === 'float16') (data as Uint16Array)[i] = float32ToFloat16Bits(v);
    else if (dtype === 'bfloat16') (data as Uint16Array)[i] = float32ToBfloat16Bits(v);
    else if (dtype === 'bool') (data as Uint8Array)[i] = v ? 1 : 0;
    else (data as Float32Array)[i] = v;
  });
  return { dtype, dims, data };
}

/** What `emit` works with: the node's tensors and layer helpers that name layers after the node. */
export class Emitter {
  constructor(
    readonly node: Node,
    readonly ctx: ConvertContext,
    readonly net: NetworkBuilder,
  ) {}

  /** The engine tensor of input `i`. */
  input(i: number): TensorRef {
    return this.ctx.input(this.node, i);
  }

  /** Binds output `i` (a no-op for an output the model does not name). */
  output(i: number, ref: TensorRef): void {
    if (this.node.outputs[i]) this.ctx.setOutput(this.node, i, ref);
  }

  /** The layer name: the node's, with a suffix for the node's auxiliary layers. */
  name(suffix?: string): string {
    return suffix ? `${this.node.name}/${suffix}` : this.node.name;
  }

  add<K extends Kind>(kind: K, inputs: readonly TensorRef[], params: ParamsOf<K>, suffix?: string, outputs?: Outputs): TensorRef {
    return this.net.add(kind, inputs, params, this.name(suffix), outputs)[0]!;
  }

  addMany<K extends Kind>(kind: K, inputs: readonly TensorRef[], params: ParamsOf<K>, suffix?: string, outputs?: Outputs): TensorRef[] {
    return this.net.add(kind, inputs, params, this.name(suffix), outputs);
  }

  constant(t: TensorData, suffix: string): TensorRef {
    return this.net.constant(t, this.name(suffix));
  }

  /** A constant filled with `value`, of `dtype` and `shape` (default: a scalar). */
  fill(value: number, dtype: EngineDType, suffix: string, shape: number[] = []): TensorRef {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.constant(tensorOf(dtype, shape, new Array<number>(n).fill(value)), suffix);
  }

  /** Reshape (a shuffle), skipped when the shape is already right. */
  reshape(x: TensorRef, shape: readonly number[], suffix?: string): TensorRef {
    if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
    return this.add('shuffle', [x], { reshape: [...shape] }, suffix);
  }

  /**
   * Reshape to a target relative to `x`: 0 copies x's dim at that index and one -1 takes what is
   * left (ONNX's Reshape; the shuffle's zeroIsPlaceholder), so that the layer holds for every
   * shape of a dynamic engine where only those dims vary (batch, most often).
   */
  reshapeRelative(x: TensorRef, target: readonly number[], suffix?: string): TensorRef {
    return this.add('shuffle', [x], { reshape: [...target], zeroIsPlaceholder: true }, suffix);
  }

  /** Transpose (a shuffle), skipped for the identity permutation. */
  transpose(x: TensorRef, perm: readonly number[], suffix?: string): TensorRef {
    if (perm.every((p, i) => p === i)) return x;
    return this.add('shuffle', [x], { firstPerm: [...perm] }, suffix);
  }

  cast(x: TensorRef, to: EngineDType, suffix?: string): TensorRef {
    return x.dtype === to ? x : this.add('cast', [x], { to }, suffix);
  }

  /**
   * Numpy broadcast of `x` to a `target` the model computes (int64 [k], a shape tensor the
   * engine reads at each run's shapes; `shape` is the output at these shapes): leading 1s by a
   * reshape, which follows x's dims unless x is `fixed`, then a slice that reads the target
   * (native/src/ir/computed_layers.h).
   */
  broadcastToComputed(x: TensorRef, fixed: boolean, target: TensorRef, shape: readonly number[], suffix?: string): TensorRef {
    const lead = shape.length - x.shape.length;
    let r = x;
    if (lead > 0 && fixed) r = this.reshape(x, [...new Array<number>(lead).fill(1), ...x.shape], suffix ? `${suffix}_rank` : 'rank');
    else if (lead > 0) {
      const dims = this.add('shape', [x], {}, suffix ? `${suffix}_dims` : 'dims');
      const to = this.add(
        'concat',
        [this.fill(1, 'int64', suffix ? `${suffix}_ones` : 'ones', [lead]), dims],
        { axis: 0 },
        suffix ? `${suffix}_rank_target` : 'rank_target',
      );
      r = this.add('shuffle', [x, to], {}, suffix ? `${suffix}_rank` : 'rank', [{ shape: [...new Array<number>(lead).fill(1), ...x.shape] }]);
    }
    return this.add('slice', [r, target], { steps: shape.map(() => 1) }, suffix, [{ shape }]);
  }

  /**
   * Numpy broadcast of `x` to `shape`: leading 1s by a reshape, then a slice whose step 0
   * repeats each stretched size-1 dim (network.ts: how Expand broadcasts).
   */
  broadcastTo(x: TensorRef, shape: readonly number[], suffix?: string): TensorRef {
    const lead = shape.length - x.shape.length;
    const r = this.reshape(x, [...new Array<number>(lead).fill(1), ...x.shape], suffix ? `${suffix}_rank` : 'rank');
    if (r.shape.every((d, i) => d === shape[i])) return r;
    const steps = r.shape.map((d, i) => (d === 1 && shape[i] !== 1 ? 0 : 1));
    return this.add('slice', [r], { starts: r.shape.map(() => 0), steps }, suffix, [{ shape }]);
  }
}
