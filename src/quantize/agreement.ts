/**
 * How closely a quantized model's outputs follow the fp32 model's over the calibration data,
 * the precision policy's measure (policy.ts), per float32 output and accumulated over every
 * batch:
 * - cosine: the cosine similarity of all the output's values (every batch's, concatenated)
 *   with the fp32 ones; two all-zero outputs count as 1;
 * - maxAbsError: the largest |int8 - fp32| of any value;
 * - top1: the fraction of rows (the output's values along its last axis, in every batch)
 *   whose argmax (the first, on ties) is the fp32 row's.
 * A model's agreement is its worst output's on each measure (lowest cosine and top-1, largest
 * error). A NaN anywhere makes the cosine NaN, which meets no target.
 * (--compare's per-tensor statistics, src/cli/compare.ts, measure one run against onnxruntime
 * with tolerances; these accumulate over batches, as a target on a data set needs.)
 */

export interface Agreement {
  cosine: number;
  maxAbsError: number;
  top1: number;
}

/** The measures a target may name (accuracyTarget's keys). */
export type TargetMetric = 'cosine' | 'top1';

class OutputAccumulator {
  dot = 0;
  normA = 0;
  normB = 0;
  maxAbs = 0;
  rows = 0;
  agree = 0;

  add(got: ArrayLike<number>, ref: ArrayLike<number>, lastDim: number): void {
    for (let i = 0; i < ref.length; i++) {
      const a = got[i]!;
      const b = ref[i]!;
      this.dot += a * b;
      this.normA += a * a;
      this.normB += b * b;
      const d = Math.abs(a - b);
      if (!(d <= this.maxAbs)) this.maxAbs = Number.isNaN(d) ? NaN : Math.max(this.maxAbs, d);
    }
    const n = Math.max(1, lastDim);
    for (let r = 0; r + n <= ref.length; r += n) {
      let ia = r;
      let ib = r;
      for (let j = r + 1; j < r + n; j++) {
        if (got[j]! > got[ia]!) ia = j;
        if (ref[j]! > ref[ib]!) ib = j;
      }
      this.rows++;
      if (ia === ib) this.agree++;
    }
  }

  result(): Agreement {
    const cosine = this.normA === 0 && this.normB === 0 ? 1 : this.dot / Math.sqrt(this.normA * this.normB);
    return { cosine, maxAbsError: this.maxAbs, top1: this.rows ? this.agree / this.rows : 1 };
  }
}

/** Accumulates every output's agreement over batches. */
export class AgreementMeter {
  private readonly outputs = new Map<string, OutputAccumulator>();

  /** One batch of output `name`: its values, the fp32 model's, and the length of its last axis. */
  add(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, lastDim: number): void {
    let acc = this.outputs.get(name);
    if (!acc) this.outputs.set(name, (acc = new OutputAccumulator()));
    acc.add(got, ref, lastDim);
  }

  /** Each output's agreement so far. */
  perOutput(): Map<string, Agreement> {
    return new Map([...this.outputs].map(([name, acc]) => [name, acc.result()]));
  }

  /** The worst output's on each measure. */
  worst(): Agreement {
    const all = [...this.perOutput().values()];
    const low = (k: keyof Agreement) => all.reduce((m, a) => (Number.isNaN(a[k]) || a[k] < m ? a[k] : m), 1);
    return {
      cosine: low('cosine'),
      maxAbsError: all.reduce((m, a) => (Number.isNaN(a.maxAbsError) || a.maxAbsError > m ? a.maxAbsError : m), 0),
      top1: low('top1'),
    };
  }
}

/** Whether `a` meets `target` (every measure it names, at least). */
export function meetsTarget(a: Agreement, target: Partial<Record<TargetMetric, number>>): boolean {
  return (Object.entries(target) as Array<[TargetMetric, number]>).every(([k, v]) => a[k] >= v);
}
