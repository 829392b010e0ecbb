// A tagged template that escapes every interpolated value unless it is itself html`…` (or an array
// of them): pages build markup as strings without ever inserting unescaped text.
const RAW = Symbol('html');

export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => { out += fragment(value) + strings[i + 1]; });
  return { [RAW]: out };
}

export function raw(text) { return { [RAW]: text }; }

function fragment(value) {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (typeof value === 'object' && RAW in value) return value[RAW];
  return escape(String(value));
}

export function escape(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// Replaces the content of `element` with the template's markup.
export function render(element, template) { element.innerHTML = fragment(template); }
