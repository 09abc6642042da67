/**
 * Element-wise equality of two arrays, as the compiler compares values (a fixed input against a
 * feed, a constant at two ends of a shape range): NaN equals NaN, 0 equals -0, and typed arrays
 * of different element types are not compared byte for byte.
 *
 * Equal bytes in arrays of one element type are equal elements, so that case is one byte
 * compare (a model's weights, copied per shape view, are megabytes: a JavaScript loop per
 * element took seconds over Mask R-CNN's views); unequal bytes may still be equal elements
 * (+0 and -0, NaNs of other payloads), which the element loop decides.
 */
export function sameElements(a: ArrayLike<unknown> | undefined, b: ArrayLike<unknown> | undefined): boolean {
  if (!a || !b) return a === b;
  if (a === b) return true;
  if (a.length !== b.length) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && a.constructor === b.constructor && sameBytes(a, b)) return true;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x !== y && !(x !== x && y !== y)) return false; // x !== x: NaN
  }
  return true;
}

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
