/**
 * Building the panel's DOM.
 */

/**
 * A new `tag` element with the class `className` (none when empty), holding
 * `children` in order; a string child becomes text.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  node.append(...children);
  return node;
}
