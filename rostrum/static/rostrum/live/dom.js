// Small DOM helpers for the live room. User text only ever goes in through text nodes
// (textContent or `el` children), never through innerHTML.

// el("button", {type: "button", className: "secondary", onclick}, "Text", otherNode)
export function el(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "className" || name === "textContent" || name === "hidden" || name === "value") node[name] = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// "Hello {name}" with {name: "Ann"} -> "Hello Ann". Translated strings keep their placeholders.
export function format(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function isHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// A fragment of text nodes, with http:// and https:// addresses as links; nothing else is a link.
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let address = match[0];
    const trailing = TRAILING_PUNCTUATION.exec(address);
    if (trailing) address = address.slice(0, -trailing[0].length);
    if (!isHttpUrl(address)) continue;
    fragment.append(document.createTextNode(text.slice(position, match.index)));
    fragment.append(el("a", { href: address, target: "_blank", rel: "noopener noreferrer nofollow ugc" }, address));
    position = match.index + address.length;
  }
  fragment.append(document.createTextNode(text.slice(position)));
  return fragment;
}

// Keep `container`'s children in step with `items`, one element per key: existing elements are
// updated in place (so a half-typed answer or the focus inside them survives a new event), new
// ones created, gone ones removed. Elements move only when the order changed.
export function reconcile(container, items, { key = (item) => item.id, create, update }) {
  const existing = new Map();
  for (const child of [...container.children]) existing.set(child.dataset.key, child);
  const wanted = [];
  for (const item of items) {
    const id = String(key(item));
    let node = existing.get(id);
    if (node) existing.delete(id);
    else {
      node = create(item);
      node.dataset.key = id;
    }
    update(node, item);
    wanted.push(node);
  }
  for (const node of existing.values()) node.remove();
  wanted.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
}

export function show(node, visible) {
  if (node) node.hidden = !visible;
}

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

export function timeOf(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(lang || undefined, { hour: "2-digit", minute: "2-digit" }).format(date);
}

// Disable a control while its request is in flight, then report the error (if any) in `status`.
export async function busy(control, work, onError) {
  if (control) control.disabled = true;
  try {
    return await work();
  } catch (error) {
    onError(error);
    return undefined;
  } finally {
    if (control) control.disabled = false;
  }
}
