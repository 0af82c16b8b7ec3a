/**
 * The preview's defaults for h5web's own view options, where the user has not
 * chosen yet: integers written out, and heatmaps that fill their area.
 */

/**
 * h5web keeps each view's options in localStorage, one zustand store per
 * view, under its name and with its version (`@h5web/app` 17): a store of
 * another version ignores what is written here, so an upgrade that changes
 * them loses these defaults, not the user's choices.
 */
const DEFAULTS: ReadonlyArray<{
  key: string;
  version: number;
  state: Record<string, unknown>;
}> = [
  // "Auto" writes integers out (16000); h5web's default, "Scientific", shows
  // them as 1.600e+4.
  { key: 'h5web:matrix', version: 4, state: { notation: 'Auto' } },
  // Pixels not kept square: a DL1 image block (40 events × 1855 pixels) kept
  // square is a thin strip.
  { key: 'h5web:heatmap', version: 12, state: { keepRatio: false } }
];

/**
 * Write the defaults into `storage` for the views whose options are not there.
 */
export function seedH5webDefaults(storage: Storage): void {
  for (const { key, version, state } of DEFAULTS) {
    if (storage.getItem(key) === null) {
      storage.setItem(key, JSON.stringify({ state, version }));
    }
  }
}
