/**
 * The converter registry: an explicit list (converters/all.ts) plus user converters added with
 * `registerConverter`. Lookup picks, for an (opType, domain), the converter with the newest
 * `sinceVersion` that is not newer than the model's opset for that domain (tinygrad's
 * `_select_op` rule); two converters with the same (opType, domain, sinceVersion) are rejected.
 */
import { HybridError } from '../src/errors.js';
import type { Converter } from './types.js';

function normDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

function key(opType: string, domain: string): string {
  return `${normDomain(domain)}::${opType}`;
}

export class ConverterRegistry {
  private readonly byOp = new Map<string, Converter[]>();

  constructor(converters: readonly Converter[] = []) {
    for (const c of converters) this.register(c);
  }

  /** Adds a converter; a second one for the same op, domain and sinceVersion is an error. */
  register(converter: Converter): void {
    const { opType, domain, sinceVersion } = converter;
    if (!opType || !Number.isInteger(sinceVersion) || sinceVersion < 1) {
      throw new HybridError('CONVERTER', `converter for '${opType}': needs an opType and an integer sinceVersion >= 1`);
    }
    if (typeof converter.validate !== 'function' || typeof converter.convert !== 'function') {
      throw new HybridError('CONVERTER', `converter for '${opType}': needs validate() and convert()`);
    }
    const k = key(opType, domain);
    const list = this.byOp.get(k) ?? [];
    if (list.some((c) => c.sinceVersion === sinceVersion)) {
      const where = normDomain(domain) ? `${normDomain(domain)}::${opType}` : opType;
      throw new HybridError('CONVERTER', `a converter for ${where} since opset ${sinceVersion} is already registered`);
    }
    list.push(converter);
    list.sort((a, b) => b.sinceVersion - a.sinceVersion);
    this.byOp.set(k, list);
  }

  /** The converter for a node of `opType` in `domain` under the model's `opset`, if any. */
  lookup(opType: string, domain: string, opset: number): Converter | undefined {
    return this.byOp.get(key(opType, domain))?.find((c) => c.sinceVersion <= opset);
  }

  /** Whether any converter exists for the op (at some opset): for report wording. */
  knows(opType: string, domain: string): boolean {
    return this.byOp.has(key(opType, domain));
  }

  /** Every registered converter, sorted by domain, op type, then sinceVersion. */
  list(): Converter[] {
    return [...this.byOp.values()]
      .flat()
      .sort((a, b) => a.domain.localeCompare(b.domain) || a.opType.localeCompare(b.opType) || a.sinceVersion - b.sinceVersion);
  }

  /** A copy (user registrations on the copy do not touch the original). */
  clone(): ConverterRegistry {
    return new ConverterRegistry(this.list());
  }
}
