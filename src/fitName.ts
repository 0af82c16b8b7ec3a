/**
 * Names shortened in the middle (`dl1_LST…16000.0000.h5`) to fit a width,
 * so that names differing only at the end (run numbers) stay distinct.
 */

/**
 * `name` shortened in the middle until `measure` says it fits in `width`;
 * the end keeps more than the start, as that is where names of runs differ.
 */
export function fitMiddle(
  name: string,
  width: number,
  measure: (text: string) => number
): string {
  if (width <= 0 || measure(name) <= width) {
    return name;
  }
  let low = 1;
  let high = name.length - 1;
  let best = '…';
  while (low <= high) {
    const kept = (low + high) >> 1;
    const head = Math.floor(kept * 0.4);
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

  fit(name: string): string {
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
      text => context.measureText(text).width
    );
  }

  private _width = 0;
  private _font = '';
  private _canvas: CanvasRenderingContext2D | null = null;
}
