/**
 * XXH64 (seed 0) in TypeScript with BigInt, written from the xxHash specification: an
 * implementation independent of native/src/util/checksum.cc, used to re-seal fuzzed plans (so
 * that corruptions reach the plan parser instead of stopping at the checksum) and to
 * cross-check the native checksum.
 */
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, input: bigint) => (rotl((acc + input * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, val: bigint) => ((((acc ^ round(0n, val)) * P1) & M) + P4) & M;

export function xxh64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let p = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M + 1n - P1) & M;
    while (p + 32 <= n) {
      v1 = round(v1, view.getBigUint64(p, true));
      v2 = round(v2, view.getBigUint64(p + 8, true));
      v3 = round(v3, view.getBigUint64(p + 16, true));
      v4 = round(v4, view.getBigUint64(p + 24, true));
      p += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M;
  while (p + 8 <= n) {
    h ^= round(0n, view.getBigUint64(p, true));
    h = (((rotl(h, 27n) * P1) & M) + P4) & M;
    p += 8;
  }
  if (p + 4 <= n) {
    h ^= (BigInt(view.getUint32(p, true)) * P1) & M;
    h = (((rotl(h, 23n) * P2) & M) + P3) & M;
    p += 4;
  }
  while (p < n) {
    h ^= (BigInt(bytes[p]!) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
    p++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

/** Recomputes a plan's checksum (bytes 16..24: XXH64 of everything from byte 24) in place. */
export function reseal(plan: Uint8Array): Uint8Array {
  if (plan.length >= 32) {
    new DataView(plan.buffer, plan.byteOffset, plan.byteLength).setBigUint64(16, xxh64(plan.subarray(24)), true);
  }
  return plan;
}
