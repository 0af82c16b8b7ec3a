/**
 * Which breadcrumbs fold into "…" when a path is too long for its line
 * (pure: unit-tested).
 */

/**
 * How many of the first crumbs (of `widths`, in px) fold into one of
 * `foldWidth` so that the rest fits in `available`; the last one never folds.
 */
export function foldedCount(
  widths: readonly number[],
  available: number,
  foldWidth: number
): number {
  let rest = widths.reduce((sum, width) => sum + width, 0);
  if (rest <= available) {
    return 0;
  }
  for (let folded = 1; folded < widths.length; folded++) {
    rest -= widths[folded - 1];
    if (foldWidth + rest <= available) {
      return folded;
    }
  }
  return Math.max(0, widths.length - 1);
}
