/**
 * A streaming reader for AWS Price List bulk offer files. A region's AmazonEC2
 * offer file runs to hundreds of megabytes, more than a JavaScript string (or
 * JSON.parse) comfortably holds, so the file is scanned as it arrives and only
 * the objects of interest are parsed:
 *
 *   { "formatVersion", "offerCode", "version", "publicationDate", ...,
 *     "products": { "<sku>": { "sku", "productFamily", "attributes": {...} }, ... },
 *     "terms": { "OnDemand": { "<sku>": { "<sku>.<offerTermCode>": { ..., "priceDimensions": {...} } } },
 *                "Reserved": { ... } } }
 *
 * The scanner tracks JSON structure (strings, escapes, nesting) character by
 * character and hands each `products.<sku>` and `terms.OnDemand.<sku>` object, as
 * parsed JSON, to a callback; everything else (notably `terms.Reserved`) is skipped
 * without being kept.
 */

export interface OfferHeader {
  readonly formatVersion?: string;
  readonly offerCode?: string;
  readonly version?: string;
  readonly publicationDate?: string;
}

export interface OfferScannerHandlers {
  /** A `products.<sku>` object. */
  readonly product: (sku: string, product: unknown) => void;
  /** A `terms.OnDemand.<sku>` object (offer terms keyed `<sku>.<offerTermCode>`). */
  readonly onDemand: (sku: string, terms: unknown) => void;
}

interface Frame {
  readonly kind: 'object' | 'array';
  /** The last key read in an object frame. */
  key?: string;
  /** In an object: true while the next string is a key. */
  expectKey: boolean;
}

export class OfferScanner {
  /** Top-level string fields (formatVersion, offerCode, version, publicationDate, ...). */
  readonly header: Record<string, string> = {};
  private readonly stack: Frame[] = [];
  private inString = false;
  private escape = false;
  /** Text of the string being read, when it is a key or a top-level value. */
  private text: string | undefined;
  private stringIsKey = false;
  /** The object being captured, its kind and the depth at which it closes. */
  private capture: { kind: 'product' | 'onDemand'; sku: string; depth: number; parts: string[] } | undefined;
  private ended = false;

  constructor(private readonly handlers: OfferScannerHandlers) {}

  /** Feeds the next piece of the file. */
  write(chunk: string): void {
    let captureFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === '\\') this.escape = true;
        else if (c === '"') {
          this.inString = false;
          this.endString();
          continue;
        }
        if (this.text !== undefined) this.text += c;
        continue;
      }
      switch (c) {
        case '"': {
          this.inString = true;
          const top = this.stack[this.stack.length - 1];
          this.stringIsKey = top?.kind === 'object' && top.expectKey;
          // Keys are needed only down to terms.OnDemand.<sku>; values only at the top level.
          this.text = !this.capture && (this.stringIsKey ? this.stack.length <= 3 : this.stack.length === 1) ? '' : undefined;
          break;
        }
        case ':': {
          const top = this.stack[this.stack.length - 1];
          if (top?.kind === 'object') top.expectKey = false;
          break;
        }
        case ',': {
          const top = this.stack[this.stack.length - 1];
          if (top?.kind === 'object') top.expectKey = true;
          break;
        }
        case '{':
        case '[': {
          if (!this.capture && c === '{') {
            const target = this.targetAt();
            if (target) {
              this.capture = { ...target, depth: this.stack.length, parts: [] };
              captureFrom = i;
            }
          }
          this.stack.push({ kind: c === '{' ? 'object' : 'array', expectKey: c === '{' });
          break;
        }
        case '}':
        case ']': {
          this.stack.pop();
          if (this.capture && this.stack.length === this.capture.depth) {
            this.capture.parts.push(chunk.slice(captureFrom, i + 1));
            this.emit();
          }
          if (this.stack.length === 0) this.ended = true;
          break;
        }
        default:
          break;
      }
    }
    if (this.capture) this.capture.parts.push(chunk.slice(captureFrom));
  }

  /** Call after the last chunk; throws if the file was cut short. */
  end(): void {
    if (!this.ended || this.stack.length > 0) throw new Error('offer file ended before its JSON was complete (truncated download?)');
  }

  private endString(): void {
    const top = this.stack[this.stack.length - 1];
    if (this.text === undefined || !top) return;
    const value = JSON.parse(`"${this.text}"`) as string;
    if (this.stringIsKey) top.key = value;
    else if (this.stack.length === 1 && top.key !== undefined) this.header[top.key] = value;
    this.text = undefined;
  }

  /** Whether the object opening now is `products.<sku>` or `terms.OnDemand.<sku>`. */
  private targetAt(): { kind: 'product' | 'onDemand'; sku: string } | undefined {
    const keys = this.stack.map((f) => f.key);
    if (this.stack.length === 2 && keys[0] === 'products' && keys[1] !== undefined) return { kind: 'product', sku: keys[1] };
    if (this.stack.length === 3 && keys[0] === 'terms' && keys[1] === 'OnDemand' && keys[2] !== undefined) return { kind: 'onDemand', sku: keys[2] };
    return undefined;
  }

  private emit(): void {
    const capture = this.capture;
    if (!capture) return;
    this.capture = undefined;
    const value = JSON.parse(capture.parts.join('')) as unknown;
    if (capture.kind === 'product') this.handlers.product(capture.sku, value);
    else this.handlers.onDemand(capture.sku, value);
  }
}
