import type { JsonObject } from '../domain/json.js';

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp> | undefined;
// Loaded on first use: sharp is a native module and most processes start without needing it.
const loadSharp = (): Promise<Sharp> => (sharpModule ??= import('sharp').then((m) => m.default));

const COLOR_MODES: Record<number, string> = { 1: 'GRAYSCALE', 2: 'GRAYSCALE_ALPHA', 3: 'RGB', 4: 'RGBA' };

/** Clarifai's ImageInfo (width, height, format, color_mode) read from the image header; undefined when it is not an image. */
export async function imageInfoOf(bytes: Uint8Array): Promise<JsonObject | undefined> {
  const sharp = await loadSharp();
  try {
    const m = await sharp(bytes).metadata();
    if (!m.width || !m.height || !m.format) return undefined;
    const info: JsonObject = { width: m.width, height: m.height, format: m.format.toUpperCase() };
    if (m.channels && COLOR_MODES[m.channels]) info.color_mode = COLOR_MODES[m.channels]!;
    return info;
  } catch {
    return undefined;
  }
}
