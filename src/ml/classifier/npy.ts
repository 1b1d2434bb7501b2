// Minimal .npy (format v1.0) writer and reader, so the benchmark's arrays can be shared with a
// numpy/scikit-learn baseline without any dependency. Only C-order little-endian float32 and int32.

export type NpyArray = Float32Array | Int32Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape ${shape.join('x')} does not match ${data.length} values`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The spec pads the header with spaces and a final newline so the data starts 64-byte aligned.
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new Error('npy: header too long for v1.0');
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  // DataView with explicit little-endian keeps the file right on any host byte order.
  if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i]!, true);
  return out;
}

export function decodeNpy(bytes: Uint8Array): { data: NpyArray; shape: number[] } {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error('npy: bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error('npy: fortran order is not supported');
  if (shapeText === undefined || (descr !== '<f4' && descr !== '<i4')) throw new Error(`npy: unsupported header ${header}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 10 + headerLen;
  const data = descr === '<f4' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    data[i] = descr === '<f4' ? view.getFloat32(start + i * 4, true) : view.getInt32(start + i * 4, true);
  }
  return { data, shape };
}
