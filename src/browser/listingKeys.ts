/**
 * The keyboard of the listing: moving, extending the selection, opening,
 * going up, and type-ahead to the first name starting with what is typed.
 */
import { IEntry } from '../apiTypes';
import { StorageModel } from './model';

/**
 * How long typed characters add up to one search (type-ahead), in ms.
 */
const TYPEAHEAD_MS = 800;

export class ListingKeys {
  constructor(
    private _model: StorageModel,
    private _open: (entry: IEntry) => void
  ) {}

  /**
   * Act on a key pressed in the listing, `page` rows a page; true when the
   * key was used.
   */
  handle(event: KeyboardEvent, page: number): boolean {
    const model = this._model;
    const extend = event.shiftKey;
    const accel = event.ctrlKey || event.metaKey;
    switch (event.key) {
      case 'ArrowDown':
        model.moveFocus(1, extend);
        return true;
      case 'ArrowUp':
        if (event.altKey) {
          void model.goUp();
        } else {
          model.moveFocus(-1, extend);
        }
        return true;
      case 'PageDown':
        model.moveFocus(page, extend);
        return true;
      case 'PageUp':
        model.moveFocus(-page, extend);
        return true;
      case 'Home':
        model.moveFocus(-model.items.length, extend);
        return true;
      case 'End':
        model.moveFocus(model.items.length, extend);
        return true;
      case 'Enter': {
        const item = model.items[model.focusIndex];
        if (item) {
          this._open(item);
        }
        return true;
      }
      case 'Backspace':
        void model.goUp();
        return true;
      case 'Escape':
        model.clearSelection();
        return true;
      case 'a':
      case 'A':
        if (accel) {
          model.selectAll();
          return true;
        }
        return this._typeAhead(event);
      case ' ':
        if (accel && model.focusIndex >= 0) {
          model.select(model.focusIndex, 'toggle');
          return true;
        }
        return this._typeAhead(event);
      default:
        return this._typeAhead(event);
    }
  }

  /**
   * Typing letters jumps to the first entry whose name starts with them.
   */
  private _typeAhead(event: KeyboardEvent): boolean {
    if (
      event.key.length !== 1 ||
      event.ctrlKey ||
      event.metaKey ||
      event.altKey
    ) {
      return false;
    }
    const now = Date.now();
    if (now - this._typedAt > TYPEAHEAD_MS) {
      this._typed = '';
    }
    this._typedAt = now;
    this._typed += event.key.toLowerCase();
    const index = this._model.items.findIndex(item =>
      item.name.toLowerCase().startsWith(this._typed)
    );
    if (index >= 0) {
      this._model.select(index);
    }
    return true;
  }

  private _typed = '';
  private _typedAt = 0;
}
