// Image bytes -> RGB pixels, shared by the built-in image embedder and uploaded image models.
import { EmbedInputError, lazy } from './embedder.js';

type Sharp = typeof import('sharp').default;

/** The bytes are not an image sharp can read: the message says what to send instead. */
export class ImageDecodeError extends EmbedInputError {
  constructor(reason: string, index: number) {
    super(reason, index);
    this.name = 'ImageDecodeError';
  }
}

const loadSharp = lazy(async (): Promise<Sharp> => (await import('sharp')).default);

/**
 * Images with more pixels are refused before decoding: a full-resolution decode costs ~3 bytes a pixel
 * (sharp's own default, 268 MP, would let one small PNG bomb take 800 MB).
 */
export const MAX_IMAGE_PIXELS = 64_000_000;

/** Any format sharp reads → width×height sRGB bytes, HWC (EXIF-rotated, transparency on white, stretched to fill). */
export async function decodeRgb(bytes: Uint8Array | undefined, width: number, height: number, index: number): Promise<Uint8Array> {
  const sharp = await loadSharp();
  if (!bytes || bytes.length === 0) {
    throw new ImageDecodeError('no image bytes; send data.image.base64 or data.image.url', index);
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(width, height, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== width * height * 3) {
      throw new Error(`unexpected decoded layout: ${info.channels} channels, ${data.length} bytes`);
    }
    return data;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (/pixel limit/i.test(reason ?? '')) {
      throw new ImageDecodeError(
        `the image has more than ${MAX_IMAGE_PIXELS / 1e6} megapixels; send a smaller one (e.g. resized to 2048 pixels on its longer side)`,
        index,
      );
    }
    throw new ImageDecodeError(`the image could not be decoded (${reason}); send the complete bytes of a JPEG, PNG, WebP, GIF, TIFF, AVIF or SVG file`, index);
  }
}
