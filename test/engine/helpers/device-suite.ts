/**
 * Device tensors through the engine binding, on a given backend: a run takes DeviceTensors as
 * inputs and leaves outputs on the device on request; two engines chained through device
 * tensors give the host-chained result bit for bit; the copies a run made are counted (on a
 * backend whose memory is not host memory, host inputs and outputs are host<->device copies
 * through pinned staging; device ones are device-to-device copies); misuse is a typed error.
 *
 *   engine A: x [1,3,16,16] -> small CNN -> y [1,10], z [1,6]
 *   engine B: y [1,10] -> relu(y - 0.05) -> w [1,10]
 */
import { describe, expect, it } from 'vitest';
import { DeviceTensor, toDevice } from '../../../src/engine/device-tensor.js';
import { buildEngine } from '../../../src/engine/engine.js';
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { smallCnn, smallCnnInputs } from './small-cnn.js';

function follower(): NetworkDefinition {
  const d = new NetDraft('follower');
  const y = d.input('y', 'float32', [1, 10]);
  const c = d.constant('c', 'float32', [1], Float32Array.from([0.05]));
  const [w] = d.layer('elementwise', 'sub', [y, c], { op: 'sub', activation: { op: 'relu' } }, [{ dtype: 'float32', shape: [1, 10] }]);
  d.output(w!);
  return d.finish();
}

export function deviceSuite(backend: 'cpu' | 'cuda'): void {
  const staged = backend === 'cuda';
  describe(`device tensors on the ${backend} backend`, () => {
    it('outputs left on the device feed the next engine; the result equals the host path bit for bit', async () => {
      const a = await buildEngine(smallCnn(), { backend });
      const b = await buildEngine(follower(), { backend });
      try {
        const ca = a.createContext();
        const cb = b.createContext();
        const inputs = smallCnnInputs(5);
        const [hy, hz] = (await ca.run(inputs)) as Float32Array[];
        const [hw] = (await cb.run([hy!])) as Float32Array[];
        const [dy, dz] = await ca.run(inputs, { outputLocation: 'device' });
        expect(dy).toBeInstanceOf(DeviceTensor);
        expect([dy!.dtype, dy!.dims, dy!.bytes, dy!.backend]).toEqual(['float32', [1, 10], 40, backend]);
        expect(ca.transfers).toMatchObject({
          deviceToHostCount: 0,
          deviceToDeviceCount: 2,
          deviceToDeviceBytes: 40 + 24,
          hostToDeviceCount: staged ? 2 : 0,
        });
        const [dw] = (await cb.run([dy!], { outputLocation: ['device'] })) as DeviceTensor[];
        expect(cb.transfers).toMatchObject({ hostToDeviceCount: 0, deviceToHostCount: 0, deviceToDeviceCount: 2 });
        expect(Array.from((await dw!.download()).data as Float32Array)).toEqual(Array.from(hw!));
        expect(Array.from((await dz!.download()).data as Float32Array)).toEqual(Array.from(hz!));
        // Mixed: one output on the device, one on the host.
        const [my, mz] = await ca.run(inputs, { outputLocation: ['host', 'device'] });
        expect(my).toBeInstanceOf(Float32Array);
        expect(mz).toBeInstanceOf(DeviceTensor);
        expect(ca.transfers).toMatchObject({ deviceToHostCount: staged ? 1 : 0, deviceToDeviceCount: 1 });
        for (const t of [dy!, dz!, dw!, mz as DeviceTensor]) t.dispose();
        expect(dy!.disposed).toBe(true);
      } finally {
        a.dispose();
        b.dispose();
      }
    });

    it('toDevice() uploads host data that a run takes as an input', async () => {
      const b = await buildEngine(follower(), { backend });
      try {
        const y = Float32Array.from({ length: 10 }, (_, i) => i / 10 - 0.3);
        const dev = await toDevice({ dtype: 'float32', dims: [1, 10], data: y }, backend);
        const ctx = b.createContext();
        const [fromDevice] = (await ctx.run([dev])) as Float32Array[];
        const [fromHost] = (await ctx.run([y])) as Float32Array[];
        expect(Array.from(fromDevice!)).toEqual(Array.from(fromHost!));
        expect(Array.from(fromHost!)).toEqual(Array.from(y, (v) => Math.max(0, Math.fround(v - Math.fround(0.05)))));
        expect(Array.from((await dev.download()).data as Float32Array)).toEqual(Array.from(y));
        dev.dispose();
      } finally {
        b.dispose();
      }
    });

    it('misuse is a typed error: wrong shape or dtype, a disposed tensor, a bad outputLocation, bad toDevice data', async () => {
      const b = await buildEngine(follower(), { backend });
      try {
        const ctx = b.createContext();
        const wrong = await toDevice({ dtype: 'float32', dims: [10], data: new Float32Array(10) }, backend);
        await expect(ctx.run([wrong])).rejects.toMatchObject({
          code: 'INPUT',
          message: expect.stringContaining("input 'y': expected float32 [1,10], got a device tensor of float32 [10]"),
        });
        const gone = await toDevice({ dtype: 'float32', dims: [1, 10], data: new Float32Array(10) }, backend);
        gone.dispose();
        await expect(ctx.run([gone])).rejects.toMatchObject({ code: 'DISPOSED' });
        await expect(gone.download()).rejects.toMatchObject({ code: 'DISPOSED' });
        await expect(ctx.run([new Float32Array(10)], { outputLocation: 'gpu' as never })).rejects.toMatchObject({ code: 'INPUT' });
        await expect(toDevice({ dtype: 'float32', dims: [2], data: new Float32Array(3) }, backend)).rejects.toMatchObject({ code: 'INPUT' });
        await expect(toDevice({ dtype: 'float16', dims: [1], data: new Float32Array(1) }, backend)).rejects.toMatchObject({ code: 'INPUT' });
        wrong.dispose();
      } finally {
        b.dispose();
      }
    });
  });
}
