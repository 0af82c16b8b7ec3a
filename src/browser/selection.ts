/**
 * The selection of a list of shown rows: which are selected, which has the
 * keyboard focus, and where a Shift-click range starts. DOM-free; the model
 * that owns it says when it changed.
 */

/**
 * A row of the list, known by its path.
 */
export interface IPathItem {
  readonly path: string;
}

export type SelectMode = 'replace' | 'toggle' | 'range';

export class ListSelection<T extends IPathItem> {
  /**
   * The selected rows, in the order they are shown.
   */
  get selected(): T[] {
    return this._items.filter(item => this._paths.has(item.path));
  }

  /**
   * The index of the row with the keyboard focus, or -1.
   */
  get focus(): number {
    return this._focus;
  }

  has(path: string): boolean {
    return this._paths.has(path);
  }

  /**
   * The rows shown changed: keep the selection and focus of those still
   * shown, drop the others.
   */
  setItems(items: readonly T[]): void {
    const focusedPath =
      this._focus >= 0 ? this._items[this._focus]?.path : undefined;
    this._items = items;
    const shown = new Set(items.map(item => item.path));
    for (const path of [...this._paths]) {
      if (!shown.has(path)) {
        this._paths.delete(path);
      }
    }
    this._focus = focusedPath
      ? items.findIndex(item => item.path === focusedPath)
      : -1;
    this._anchor = Math.min(this._anchor, items.length - 1);
  }

  /**
   * Forget the selection, the focus and the anchor (another folder is shown).
   */
  reset(): void {
    this._paths.clear();
    this._focus = -1;
    this._anchor = -1;
  }

  /**
   * Select the row at `index`; false when there is none.
   *
   * `replace` selects only it, `toggle` adds or removes it (Ctrl/Cmd-click),
   * `range` selects everything from the anchor to it (Shift-click).
   */
  select(index: number, mode: SelectMode = 'replace'): boolean {
    if (index < 0 || index >= this._items.length) {
      return false;
    }
    const path = this._items[index].path;
    if (mode === 'toggle') {
      if (this._paths.has(path)) {
        this._paths.delete(path);
      } else {
        this._paths.add(path);
      }
      this._anchor = index;
    } else if (mode === 'range') {
      const anchor = this._anchor >= 0 ? this._anchor : index;
      const [start, end] = anchor < index ? [anchor, index] : [index, anchor];
      this._paths.clear();
      for (let i = start; i <= end; i++) {
        this._paths.add(this._items[i].path);
      }
    } else {
      this._paths.clear();
      this._paths.add(path);
      this._anchor = index;
    }
    this._focus = index;
    return true;
  }

  selectAll(): void {
    this._paths = new Set(this._items.map(item => item.path));
  }

  /**
   * Select nothing; false when nothing was selected.
   */
  clear(): boolean {
    if (this._paths.size === 0) {
      return false;
    }
    this._paths.clear();
    return true;
  }

  /**
   * Move the focus by `delta` rows, selecting the row it lands on or
   * extending the selection to it; false when there are no rows.
   */
  moveFocus(delta: number, extend = false): boolean {
    if (this._items.length === 0) {
      return false;
    }
    let index =
      this._focus < 0 ? (delta > 0 ? -1 : this._items.length) : this._focus;
    index = Math.max(0, Math.min(this._items.length - 1, index + delta));
    return this.select(index, extend ? 'range' : 'replace');
  }

  private _items: readonly T[] = [];
  private _paths = new Set<string>();
  private _focus = -1;
  private _anchor = -1;
}
