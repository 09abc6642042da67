/**
 * Fuzzing the network reader and validator (fixed seeds): thousands of single random
 * mutations of two real networks (a param set to a random value or type, a dim, a dtype, an
 * id, a layer dropped or moved, a field deleted) must each be refused with a HybridError, or
 * build an engine that then runs (or refuses its run with a HybridError). Nothing may crash
 * the process, which would fail this file.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import type { TypedArray } from '../../src/onnx/dtype.js';
import { mulberry32 } from '../../src/util/random.js';
import { dataNet } from './helpers/data-net.js';
import { smallCnn } from './helpers/small-cnn.js';

type Json = Record<string, unknown>;

/** A deep copy that keeps typed arrays (shared: the fuzzer never writes into them). */
function clone<T>(v: T): T {
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

function randomValue(r: () => number): unknown {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0:
      return -1;
    case 1:
      return 0;
    case 2:
      return Math.floor(r() * 10);
    case 3:
      return 2 ** 40 + 1;
    case 4:
      return NaN;
    case 5:
      return 0.5;
    case 6:
      return 'relu';
    case 7:
      return [];
    case 8:
      return [Math.floor(r() * 6) - 1, Math.floor(r() * 6)];
    case 9:
      return true;
    case 10:
      return undefined;
    default:
      return null;
  }
}

function mutate(net: NetworkDefinition, r: () => number): NetworkDefinition {
  const n = clone(net) as unknown as { tensors: Json[]; layers: Json[]; inputs: number[]; outputs: number[] } & Json;
  const layer = n.layers[Math.floor(r() * n.layers.length)]!;
  const tensor = n.tensors[Math.floor(r() * n.tensors.length)]!;
  switch (Math.floor(r() * 9)) {
    case 0: {
      const params = layer.params as Json;
      const keys = Object.keys(params);
      const key = keys.length && r() < 0.8 ? keys[Math.floor(r() * keys.length)]! : 'extra';
      params[key] = randomValue(r);
      break;
    }
    case 1: {
      const params = layer.params as Json;
      const lists = Object.entries(params).filter(([, v]) => Array.isArray(v));
      if (lists.length) {
        const list = lists[Math.floor(r() * lists.length)]![1] as number[];
        if (list.length) list[Math.floor(r() * list.length)] = Math.floor(r() * 9) - 2;
      }
      break;
    }
    case 2: {
      const shape = tensor.shape as number[];
      if (shape.length && r() < 0.8) shape[Math.floor(r() * shape.length)] = Math.floor(r() * 20);
      else shape.push(1);
      break;
    }
    case 3:
      tensor.dtype = ['float32', 'float16', 'bfloat16', 'int32', 'int64', 'int8', 'uint8', 'bool', 'float64'][Math.floor(r() * 9)];
      break;
    case 4: {
      const ids = (r() < 0.5 ? layer.inputs : layer.outputs) as number[];
      if (ids.length) ids[Math.floor(r() * ids.length)] = Math.floor(r() * (n.tensors.length + 3)) - 1;
      break;
    }
    case 5:
      n.layers.splice(Math.floor(r() * n.layers.length), 1);
      break;
    case 6: {
      const [l] = n.layers.splice(Math.floor(r() * n.layers.length), 1);
      n.layers.splice(Math.floor(r() * n.layers.length), 0, l!);
      break;
    }
    case 7: {
      const target = r() < 0.5 ? layer : tensor;
      const keys = Object.keys(target);
      delete target[keys[Math.floor(r() * keys.length)]!];
      break;
    }
    default:
      if (layer.kind === 'constant') layer.weights = new Float32Array(Math.floor(r() * 8));
      else layer.kind = ['matmul', 'pad', 'pooling', 'softmax', 'gather', 'nonsense'][Math.floor(r() * 6)];
  }
  return n as unknown as NetworkDefinition;
}

function feeds(info: { inputs: Array<{ dtype: string; shape: number[] }> }): TypedArray[] {
  return info.inputs.map(({ dtype, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    switch (dtype) {
      case 'float32':
        return new Float32Array(size).map((_, i) => Math.sin(i));
      case 'int64':
        return new BigInt64Array(size).fill(1n);
      case 'int32':
        return new Int32Array(size).map((_, i) => i % 3);
      case 'float16':
      case 'bfloat16':
        return new Uint16Array(size).fill(0x3c00);
      case 'int8':
        return new Int8Array(size).fill(1);
      default:
        return new Uint8Array(size).fill(1);
    }
  });
}

describe('network fuzzing', () => {
  for (const [name, make, seed] of [
    ['small CNN', smallCnn, 11],
    ['data layers', dataNet, 12],
  ] as const) {
    it(`${name}: 1500 single mutations are refused or run`, async () => {
      const base = make();
      // The unmutated network must build and run, or the test proves nothing.
      const ok = await buildEngine(base);
      await ok.createContext().run(feeds(ok.info()));
      ok.dispose();
      const r = mulberry32(seed);
      const seen = { refused: 0, built: 0, ranFailed: 0 };
      for (let i = 0; i < 1500; i++) {
        const net = mutate(base, r);
        let engine;
        try {
          engine = await buildEngine(net);
        } catch (e) {
          expect(e, `case ${i}`).toBeInstanceOf(HybridError);
          seen.refused++;
          continue;
        }
        seen.built++;
        try {
          await engine.createContext().run(feeds(engine.info()));
        } catch (e) {
          expect(e, `case ${i}`).toBeInstanceOf(HybridError);
          seen.ranFailed++;
        } finally {
          engine.dispose();
        }
      }
      expect(seen.refused).toBeGreaterThan(750);
      expect(seen.refused + seen.built).toBe(1500);
    });
  }
});
