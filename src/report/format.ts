/**
 * Small formatting helpers shared by the renderers: sizes, shapes, op labels, percentages.
 */

/** 1536 -> '1.5 KiB'; exact bytes below 1 KiB. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '? B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** 'float32[1,3,224,224]', 'int64[]' for a scalar, '?' parts where unknown. */
export function formatTensorType(t: { dtype?: string; shape?: ReadonlyArray<number | string> }): string {
  return `${t.dtype ?? '?'}[${t.shape ? t.shape.join(',') : '?'}]`;
}

export function opLabel(opType: string, domain: string): string {
  return domain && domain !== 'ai.onnx' ? `${domain}::${opType}` : opType;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
