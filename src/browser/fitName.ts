/**
 * Names shortened in the middle (`dl1_LST…16000.0000.h5`) to fit a width,
 * so that names differing only at the end (run numbers) stay distinct.
 */

/**
 * How much of a start shared with other names is kept (`dl1_…`): the rest of
 * it says nothing that tells the names apart.
 */
const SHARED_HEAD = 4;

/**
 * `name` shortened in the middle until `measure` says it fits in `width`;
 * the end keeps more than the start, as that is where names of runs differ.
 * When its first `shared` characters start other names too, only a few of
 * them are kept, so that the part that differs gets the room.
 */
export function fitMiddle(
  name: string,
  width: number,
  measure: (text: string) => number,
  shared = 0
): string {
  if (width <= 0 || measure(name) <= width) {
    return name;
  }
  let low = 1;
  let high = name.length - 1;
  let best = '…';
  while (low <= high) {
    const kept = (low + high) >> 1;
    const head =
      shared > SHARED_HEAD
        ? Math.min(SHARED_HEAD, Math.floor(kept * 0.3))
        : Math.floor(kept * 0.4);
    const candidate =
      name.slice(0, head) + '…' + name.slice(name.length - (kept - head));
    if (measure(candidate) <= width) {
      best = candidate;
      low = kept + 1;
    } else {
      high = kept - 1;
    }
  }
  return best;
}

/**
 * For each of `names`, how many of its first characters start another of
 * them too (the longest prefix shared with its neighbours in sorted order).
 */
export function sharedPrefixes(names: readonly string[]): Map<string, number> {
  const sorted = [...new Set(names)].sort();
  const shared = new Map<string, number>();
  sorted.forEach((name, i) => {
    const before = i > 0 ? commonLength(sorted[i - 1], name) : 0;
    const after = i + 1 < sorted.length ? commonLength(name, sorted[i + 1]) : 0;
    shared.set(name, Math.max(before, after));
  });
  return shared;
}

function commonLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) {
    n++;
  }
  return n;
}

/**
 * Fits names to the width of a cell, measured in the cell's font.
 */
export class NameFitter {
  /**
   * The width names must fit in, in px (0: no limit).
   */
  get width(): number {
    return this._width;
  }

  /**
   * Take the width and font of `cell` (minus `padding`); true when they
   * changed, so that the names shown must be fitted again.
   */
  measureCell(cell: HTMLElement, padding: number): boolean {
    const width = cell.clientWidth - padding;
    if (width <= 0 || width === this._width) {
      return false;
    }
    this._width = width;
    // Not `style.font`: that shorthand is '' when it cannot represent every
    // font property, and the canvas would measure in 10px sans.
    const style = getComputedStyle(cell);
    this._font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return true;
  }

  /**
   * `name` fitted to the width; `shared`: how many of its first characters
   * start other names shown with it.
   */
  fit(name: string, shared = 0): string {
    if (this._width <= 0) {
      return name;
    }
    if (!this._canvas) {
      this._canvas = document.createElement('canvas').getContext('2d');
    }
    const context = this._canvas;
    if (!context) {
      return name;
    }
    context.font = this._font;
    return fitMiddle(
      name,
      this._width,
      text => context.measureText(text).width,
      shared
    );
  }

  private _width = 0;
  private _font = '';
  private _canvas: CanvasRenderingContext2D | null = null;
}
