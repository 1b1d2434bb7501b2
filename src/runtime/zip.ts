/**
 * Zip archives modelkeep writes (exported model packages, dataset version exports), through yazl.
 * Every entry carries one fixed time, so the same files always make the same bytes. yazl is imported
 * by the first archive written, not at start-up.
 */

export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
}

const ENTRY_TIME = new Date(Date.UTC(2000, 0, 1));

/** The entries in order; `compress: false` stores them as they are (already compact bytes, read straight from the archive). */
export async function zipFiles(entries: readonly ZipEntry[], opts: { compress?: boolean } = {}): Promise<Buffer> {
  const { default: yazl } = await import('yazl');
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength), e.name, { mtime: ENTRY_TIME, compress: opts.compress ?? true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
