import { ListSelection } from '../selection';

const rows = (...paths: string[]) => paths.map(path => ({ path }));

function selectionOf(...paths: string[]): ListSelection<{ path: string }> {
  const selection = new ListSelection<{ path: string }>();
  selection.setItems(rows(...paths));
  return selection;
}

const selectedPaths = (selection: ListSelection<{ path: string }>) =>
  selection.selected.map(item => item.path);

describe('ListSelection', () => {
  it('replaces, toggles and selects a range from the anchor', () => {
    const selection = selectionOf('a', 'b', 'c', 'd');
    selection.select(1);
    expect(selectedPaths(selection)).toEqual(['b']);
    selection.select(3, 'toggle');
    expect(selectedPaths(selection)).toEqual(['b', 'd']);
    selection.select(3, 'toggle');
    expect(selectedPaths(selection)).toEqual(['b']);
    // The toggle moved the anchor to d: the range runs from there.
    selection.select(0, 'range');
    expect(selectedPaths(selection)).toEqual(['a', 'b', 'c', 'd']);
    expect(selection.focus).toBe(0);
  });

  it('refuses an index outside the rows', () => {
    const selection = selectionOf('a');
    expect(selection.select(1)).toBe(false);
    expect(selection.select(-1)).toBe(false);
    expect(selection.selected).toEqual([]);
    expect(selection.focus).toBe(-1);
  });

  it('keeps the selection and the focus of the rows still shown', () => {
    const selection = selectionOf('a', 'b', 'c');
    selection.select(0);
    selection.select(2, 'toggle');
    selection.setItems(rows('c', 'b'));
    expect(selectedPaths(selection)).toEqual(['c']);
    expect(selection.has('a')).toBe(false);
    expect(selection.focus).toBe(0);
    selection.setItems(rows('b'));
    expect(selection.selected).toEqual([]);
    expect(selection.focus).toBe(-1);
  });

  it('moves the focus from either end when none has it, within the rows', () => {
    const selection = selectionOf('a', 'b', 'c');
    selection.moveFocus(1);
    expect(selectedPaths(selection)).toEqual(['a']);
    selection.moveFocus(5, true);
    expect(selectedPaths(selection)).toEqual(['a', 'b', 'c']);
    selection.reset();
    selection.moveFocus(-1);
    expect(selectedPaths(selection)).toEqual(['c']);
    expect(selectionOf().moveFocus(1)).toBe(false);
  });

  it('clears, saying whether anything was selected', () => {
    const selection = selectionOf('a', 'b');
    expect(selection.clear()).toBe(false);
    selection.selectAll();
    expect(selectedPaths(selection)).toEqual(['a', 'b']);
    expect(selection.clear()).toBe(true);
    expect(selection.selected).toEqual([]);
  });
});
