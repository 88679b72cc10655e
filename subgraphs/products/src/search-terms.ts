// Search words kept on each product: lower case, accents removed, so an index answers searches.
const MAX_TERMS = 200;

/** "Café Crème!" → ["cafe", "creme"]. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

export function searchTermsOf(product: { title: string; description: string; attributes: { value: string }[] }): string[] {
  const all = [product.title, product.description, ...product.attributes.map((a) => a.value)].flatMap(words);
  return [...new Set(all)].slice(0, MAX_TERMS);
}

/** One string per attribute, compared ignoring case and accents: "colour=dark blue". */
export function attributeKey(name: string, value: string): string {
  return `${words(name).join(' ')}=${words(value).join(' ')}`;
}

/** The key the TITLE sort orders by. */
export function titleKey(title: string): string {
  return words(title).join(' ');
}
