// Building DOM elements, for every view and panel.

/** Build an element: h("a", {href: "#/"}, "text", child). Booleans set/omit attributes. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}
