/**
 * The file stems of tensors in a folder of tensor files: what --output-dir and --save-inputs name
 * each file, and so where --ref-outputs and a calibration folder (--calib-data) look for one.
 * Characters a file name cannot hold ('/', ':', as in TensorFlow's `input:0`) become '_', as does
 * a leading '.'; names that then collide (ignoring case) get `_2`, `_3`... in their order.
 */

/** One name's stem, before collisions are told apart. */
export function safeFileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return stem || '_';
}

/** The stems of `names` written to one folder, in their order. */
export function tensorFileStems(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = safeFileStem(name);
    let stem = base;
    for (let i = 2; used.has(stem.toLowerCase()); i++) stem = `${base}_${i}`;
    used.add(stem.toLowerCase());
    return stem;
  });
}
